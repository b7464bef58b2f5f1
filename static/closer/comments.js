// Comments, posted in place. Without this script the form posts and the page reloads; with it,
// the same request is sent with fetch and the answer (the new comment, or the held note, or
// the form's errors) is shown where the reader is. No inline code: the CSP allows none.
(function () {
  "use strict";

  var form = document.querySelector("[data-comment-form]");
  if (!form || !window.fetch || !window.FormData) return;
  var list = document.querySelector("[data-comment-list]");
  var errors = form.querySelector("[data-form-errors]");
  var replying = form.querySelector("[data-replying]");
  var parentField = form.querySelector("input[name=parent]");
  var button = form.querySelector("button[type=submit]");
  var tokenFresh = false;

  // The page may be a cached copy: the time on page counts from a token fetched now.
  function refreshToken() {
    if (tokenFresh) return;
    tokenFresh = true;
    fetch(form.dataset.tokenUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data && data.token) form.elements.token.value = data.token; })
      .catch(function () { tokenFresh = false; });
  }
  form.addEventListener("focusin", refreshToken);

  function showErrors(all) {
    form.querySelectorAll("[data-js-error]").forEach(function (node) { node.remove(); });
    errors.textContent = "";
    errors.hidden = true;
    Object.keys(all || {}).forEach(function (name) {
      var field = form.elements[name];
      all[name].forEach(function (message) {
        var text = typeof message === "string" ? message : message.message;
        if (name === "__all__" || !field || field.type === "hidden") {
          var p = document.createElement("p");
          p.textContent = text;
          errors.appendChild(p);
          errors.hidden = false;
        } else {
          var strong = document.createElement("strong");
          strong.className = "field-error";
          strong.dataset.jsError = "";
          strong.textContent = text;
          field.closest("p").appendChild(strong);
        }
      });
    });
  }

  function say(message) {
    var p = document.createElement("p");
    p.className = "comment-notice";
    p.setAttribute("role", "status");
    p.textContent = message;
    form.parentNode.insertBefore(p, form);
  }

  function cancelReply() {
    parentField.value = "";
    replying.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-reply-to]");
    if (link) {
      event.preventDefault();
      parentField.value = link.dataset.replyTo;
      replying.querySelector("[data-replying-name]").textContent = link.dataset.replyName;
      replying.hidden = false;
      form.elements.body.focus();
    } else if (event.target.closest("[data-cancel-reply]")) {
      cancelReply();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.token) form.elements.token.value = data.token;
        if (data.status === "approved") {
          var item = document.createElement("li");
          item.appendChild(document.createRange().createContextualFragment(data.html));
          var none = list.querySelector("[data-comment-none]");
          if (none) none.remove();
          var target = data.parent ? list.querySelector('[data-replies-for="' + data.parent + '"]') : list;
          if (!data.parent) {
            item.className = "comment-thread";
            var replies = document.createElement("ol");
            replies.className = "comment-replies";
            replies.dataset.repliesFor = data.id;
            item.appendChild(replies);
          }
          (target || list).appendChild(item);
          showErrors({});
          form.elements.body.value = "";
          cancelReply();
          var added = document.getElementById("comment-" + data.id);
          added.setAttribute("tabindex", "-1");
          added.focus();
        } else if (data.status === "pending") {
          showErrors({});
          form.elements.body.value = "";
          cancelReply();
          say(data.message);
        } else {
          showErrors(data.errors);
        }
      })
      .catch(function () {
        showErrors({ __all__: ["The comment could not be sent (no connection?). Your text is kept: try again."] });
      })
      .finally(function () { button.disabled = false; });
  });
})();
