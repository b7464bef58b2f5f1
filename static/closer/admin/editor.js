/* The post editor: a live preview drawn by the site's own renderer, reading stats, image
   insertion, and text that survives a closed tab, an expired session or a failed save.
   Loaded on the post change list too, where it only forgets drafts that were saved. */
(function () {
  "use strict";

  var PREFIX = "closer:post-draft:";
  var PREVIEW_DELAY = 400;
  var DRAFT_DELAY = 800;

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function readDraft(key) {
    var s = store();
    if (!s) return null;
    try { return JSON.parse(s.getItem(key) || "null"); } catch (e) { return null; }
  }

  function forgetSubmittedDrafts() {
    // A success message after a submit means the text reached the database.
    var s = store();
    if (!s || !document.querySelector(".messagelist .success")) return;
    for (var i = s.length - 1; i >= 0; i--) {
      var key = s.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var draft = readDraft(key);
        if (draft && draft.submitted) s.removeItem(key);
      }
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function setup(body) {
    var form = body.form;
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    var formatField = form.querySelector("[name=body_format]");
    var fields = ["title", "excerpt"].map(function (n) { return form.querySelector("[name=" + n + "]"); });
    var match = window.location.pathname.match(/\/(\d+)\/change\/$/);
    var draftKey = PREFIX + (match ? match[1] : "new");
    var hasErrors = !!document.querySelector(".errornote");
    var dirty = hasErrors; // a page shown again with errors holds text not yet saved

    // Layout: writing pane (toolbar + textarea) beside the preview, stats underneath.
    var editor = el("div", "closer-editor");
    var writing = el("div", "closer-editor-writing");
    var toolbar = el("div", "closer-editor-toolbar");
    var insertButton = el("button", "button closer-insert-image", "Insert image…");
    insertButton.type = "button";
    insertButton.setAttribute("aria-expanded", "false");
    var stats = el("p", "closer-editor-stats", "");
    stats.setAttribute("aria-live", "polite");
    toolbar.appendChild(insertButton);
    toolbar.appendChild(stats);
    var picker = el("div", "closer-image-picker");
    picker.hidden = true;
    var previewPane = el("section", "closer-editor-preview");
    previewPane.setAttribute("aria-label", "Preview");
    var previewTitle = el("p", "closer-editor-preview-label", "Preview");
    var preview = el("div", "post-body closer-preview-body");
    previewPane.appendChild(previewTitle);
    previewPane.appendChild(preview);
    body.parentNode.insertBefore(editor, body);
    writing.appendChild(toolbar);
    writing.appendChild(picker);
    writing.appendChild(body);
    editor.appendChild(writing);
    editor.appendChild(previewPane);
    var row = body.closest(".form-row");
    if (row) row.classList.add("closer-editor-row");

    // Live preview, debounced; only the latest answer is drawn.
    var timer = null;
    var sequence = 0;
    function refresh() {
      var mine = ++sequence;
      var data = new FormData();
      data.append("body", body.value);
      data.append("body_format", formatField ? formatField.value : "markdown");
      fetch(body.dataset.previewUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      }).then(function (response) {
        if (response.redirected) throw new Error("preview " + response.status);
        // A refusal (body too large or too deeply nested, previews too fast) says why.
        return response.json().catch(function () { return {}; }).then(function (json) {
          if (!response.ok) {
            var refusal = new Error("preview " + response.status);
            refusal.reason = json.error;
            throw refusal;
          }
          return json;
        });
      }).then(function (json) {
        if (mine !== sequence) return;
        preview.innerHTML = json.html; // rendered and sanitized by the server's render_body
        if (json.warnings && json.warnings.length) {
          var notes = el("ul", "closer-preview-warnings");
          notes.setAttribute("role", "status");
          json.warnings.forEach(function (w) { notes.appendChild(el("li", "", w)); });
          preview.insertBefore(notes, preview.firstChild);
        }
        stats.textContent = json.label;
        previewPane.classList.remove("is-stale");
      }).catch(function (error) {
        if (mine !== sequence) return;
        previewPane.classList.add("is-stale");
        stats.textContent = (error && error.reason) ||
          "Preview unavailable — are you still signed in? Your text is kept in this browser.";
      });
    }
    function schedulePreview() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, PREVIEW_DELAY);
    }
    body.addEventListener("input", schedulePreview);
    if (formatField) formatField.addEventListener("change", schedulePreview);
    refresh();

    // A copy of the text in this browser, so nothing is lost to a closed tab or a timeout.
    var draftTimer = null;
    function values() {
      return {
        title: fields[0] ? fields[0].value : "",
        excerpt: fields[1] ? fields[1].value : "",
        body: body.value,
      };
    }
    function saveDraft(submitted) {
      var s = store();
      if (!s) return;
      var draft = values();
      draft.savedAt = new Date().toISOString();
      draft.submitted = !!submitted;
      try { s.setItem(draftKey, JSON.stringify(draft)); } catch (e) { /* storage full */ }
    }
    form.addEventListener("input", function () {
      dirty = true;
      window.clearTimeout(draftTimer);
      draftTimer = window.setTimeout(function () { saveDraft(false); }, DRAFT_DELAY);
    });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () {
      dirty = false;
      window.clearTimeout(draftTimer);
      saveDraft(true);
    });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      saveDraft(false);
      event.preventDefault();
      event.returnValue = "";
    });
    if (hasErrors) saveDraft(false);
    offerRestore();

    function offerRestore() {
      var draft = readDraft(draftKey);
      if (!draft) return;
      var now = values();
      if (draft.body === now.body && draft.title === now.title && draft.excerpt === now.excerpt) {
        if (!hasErrors) store().removeItem(draftKey); // the page already holds this text
        return;
      }
      if (!draft.body && !draft.title) return;
      var when = new Date(draft.savedAt);
      var banner = el("div", "closer-draft-banner");
      banner.setAttribute("role", "status");
      var text = el("p", "", "This browser kept text you had not saved" +
        (isNaN(when) ? "" : " (" + when.toLocaleString() + ")") + ": “" +
        (draft.title || "untitled") + "”, " + (draft.body.trim() ? draft.body.trim().split(/\s+/).length : 0) + " words.");
      var restore = el("button", "button default", "Restore it");
      var discard = el("button", "button", "Discard");
      restore.type = discard.type = "button";
      restore.addEventListener("click", function () {
        if (fields[0]) fields[0].value = draft.title;
        if (fields[1]) fields[1].value = draft.excerpt;
        body.value = draft.body;
        dirty = true;
        banner.remove();
        refresh();
        body.focus();
      });
      discard.addEventListener("click", function () {
        store().removeItem(draftKey);
        banner.remove();
      });
      banner.appendChild(text);
      banner.appendChild(restore);
      banner.appendChild(discard);
      form.parentNode.insertBefore(banner, form);
    }

    // Insert image: pick from the library, get a shortcode on a line of its own.
    var search = el("input", "vTextField closer-image-search");
    search.type = "search";
    search.placeholder = "Search alt text, captions, credits";
    search.setAttribute("aria-label", "Search images");
    var grid = el("ul", "closer-image-grid");
    var upload = el("a", "closer-image-upload", "Upload a new image (opens a new tab)");
    upload.href = body.dataset.imagesUrl.replace(/post\/image-picker\/$/, "image/add/");
    upload.target = "_blank";
    upload.rel = "noopener";
    picker.appendChild(search);
    picker.appendChild(grid);
    picker.appendChild(upload);
    function loadImages() {
      var url = body.dataset.imagesUrl + "?q=" + encodeURIComponent(search.value);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (json) {
        grid.textContent = "";
        if (!json.images.length) grid.appendChild(el("li", "closer-image-empty", "No images yet."));
        json.images.forEach(function (image) {
          var item = el("li");
          var button = el("button", "closer-image-choice");
          button.type = "button";
          button.title = "Insert " + image.shortcode;
          if (image.thumbnail) {
            var img = el("img");
            img.src = image.thumbnail;
            img.alt = "";
            button.appendChild(img);
          }
          button.appendChild(el("span", "", image.label));
          button.addEventListener("click", function () { insert(image.shortcode); });
          item.appendChild(button);
          grid.appendChild(item);
        });
      });
    }
    function insert(shortcode) {
      var before = body.value.slice(0, body.selectionStart);
      var lead = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
      body.setRangeText(lead + shortcode + "\n\n", body.selectionStart, body.selectionEnd, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
      togglePicker(false);
      body.focus();
    }
    function togglePicker(open) {
      picker.hidden = !open;
      insertButton.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { loadImages(); search.focus(); }
    }
    insertButton.addEventListener("click", function () { togglePicker(picker.hidden); });
    var searchTimer = null;
    search.addEventListener("input", function (event) {
      event.stopPropagation(); // searching is not editing the post
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(loadImages, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
      if (event.key === "Escape") { togglePicker(false); insertButton.focus(); }
    });
  }

  function start() {
    forgetSubmittedDrafts();
    var body = document.querySelector("textarea.closer-body-editor");
    if (body && body.form) setup(body);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
