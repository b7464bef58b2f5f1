/* The writing desk's autosave: about every 30 s of typing, and when the page is hidden or left,
   the text goes to the server as this writer's autosave revision of the post. The post itself
   (draft or live) is not changed; on reopening, a newer autosave is offered back. A failure is
   one calm status line: the browser's own copy (desk_local_copy.js) still holds the text. */
(function (desk) {
  "use strict";

  const KEEPALIVE_LIMIT = 60000; // browsers refuse keepalive bodies past 64 KiB
  const KEPT = "Your text is kept in this browser.";

  function seconds() {
    return Number(desk.autosaveSeconds) > 0 ? Number(desk.autosaveSeconds) : 30;
  }

  function autosaveUrl(body, postId) {
    return postId ? `${body.dataset.postsUrl}${postId}/autosave/` : `${body.dataset.postsUrl}autosave/`;
  }

  // A new essay's first autosave made it a draft: from now on the form edits that draft.
  function becomeDraft(form, body, json) {
    form.action = json.change_url;
    window.history.replaceState(null, "", json.change_url);
    return autosaveUrl(body, json.post_id);
  }

  function formData(values) {
    const data = new FormData();
    for (const [name, value] of Object.entries(values)) data.append(name, value);
    return data;
  }

  function sizeOf(values) {
    return Object.values(values).reduce((total, value) => total + value.length * 3, 0);
  }

  // POST to the autosave endpoint; resolves to its JSON, rejects with a reason to show.
  function post(url, csrf, values, { keepalive = false } = {}) {
    return fetch(url, {
      method: "POST",
      body: formData(values),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf },
      keepalive: keepalive && sizeOf(values) < KEEPALIVE_LIMIT,
    }).then((response) => {
      if (response.redirected) throw new Error(`Not autosaved — you may have been signed out. ${KEPT}`);
      return response.json().catch(() => ({})).then((json) => {
        if (!response.ok) throw new Error(json.error || `Not autosaved (the site answered ${response.status}). ${KEPT}`);
        return json;
      });
    }, () => {
      throw new Error(`Couldn’t reach the site to autosave; trying again shortly. ${KEPT}`);
    });
  }

  // Form posts turn newlines into CRLF; a textarea holds LF.
  function lf(text) {
    return (text || "").replace(/\r\n?/g, "\n");
  }

  function sameText(a, b) {
    return lf(a.title) === lf(b.title) && lf(a.body) === lf(b.body) && lf(a.excerpt) === lf(b.excerpt);
  }

  /* Start autosaving the form; offer(autosave, discard) is called when the server holds text
     newer than the post's last save that differs from the form. */
  function attach({ form, body, csrf, postId, values, status, offer }) {
    let url = autosaveUrl(body, postId);
    let isNew = !postId;
    let lastSent = values();
    let timer = null;
    let leaving = false;
    let inFlight = null;

    function send({ keepalive = false } = {}) {
      window.clearTimeout(timer);
      timer = null;
      if (isNew && inFlight) return inFlight; // the draft is being made: never make two
      const now = values();
      if (sameText(now, lastSent)) return inFlight || Promise.resolve();
      status.textContent = "Autosaving…";
      status.classList.remove("is-failed");
      inFlight = post(url, csrf, now, { keepalive }).then((json) => {
        lastSent = now;
        if (isNew && json.change_url) {
          url = becomeDraft(form, body, json);
          isNew = false;
        }
        status.textContent = json.label;
        if (!sameText(values(), lastSent)) typed(); // typed on while this was sent
      }).catch((error) => {
        status.textContent = error.message;
        status.classList.add("is-failed");
        if (!leaving) timer = window.setTimeout(send, seconds() * 1000);
      }).finally(() => { inFlight = null; });
      return inFlight;
    }

    function typed() {
      if (!timer && !leaving) timer = window.setTimeout(send, seconds() * 1000);
    }

    function left() {
      if (!leaving) send({ keepalive: true });
    }

    function stop() {
      leaving = true;
      window.clearTimeout(timer);
    }

    form.addEventListener("input", typed);
    form.addEventListener("submit", stop);
    // For whoever closes the page on purpose and wants nothing sent (the browser tests).
    desk.stopAutosave = stop;
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") left();
    });
    window.addEventListener("pagehide", left);

    function discard() {
      return post(url, csrf, { discard: "1" }).catch(() => {});
    }

    if (isNew) return { sent: send };
    fetch(url, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { autosave: null }))
      .then((json) => {
        const kept = json.autosave;
        if (!kept || !kept.newer) return;
        if (sameText(kept, values())) { discard(); return; }
        offer(kept, discard);
      })
      .catch(() => {});

    return { sent: send };
  }

  desk.autosave = { attach };
})((window.CloserDesk = window.CloserDesk || {}));
