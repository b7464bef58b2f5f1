/* The post editor, put together from the desk's parts (window.CloserDesk):
   desk_preview.js (the live preview), desk_autosave.js (server autosave), desk_local_copy.js
   (the browser's copy), desk_images.js (library picker, pasted and dropped images).
   Loaded on the post change list too, where it only forgets browser copies that were saved. */
(function (desk) {
  "use strict";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function wordCount(text) {
    return text.trim() ? text.trim().split(/\s+/).length : 0;
  }

  // --- What the editor works on -----------------------------------------------------------

  function formContext(body) {
    const form = body.form;
    const match = window.location.pathname.match(/\/(\d+)\/change\/$/);
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
    return {
      form,
      body,
      postId: match ? match[1] : null,
      csrf: csrf ? csrf.value : "",
      title: form.querySelector("[name=title]"),
      excerpt: form.querySelector("[name=excerpt]"),
      formatField: form.querySelector("[name=body_format]"),
      hasErrors: !!document.querySelector(".errornote"),
    };
  }

  function valuesOf(ctx) {
    return {
      title: ctx.title ? ctx.title.value : "",
      excerpt: ctx.excerpt ? ctx.excerpt.value : "",
      body: ctx.body.value,
    };
  }

  function putValues(ctx, values) {
    if (ctx.title) ctx.title.value = values.title;
    if (ctx.excerpt) ctx.excerpt.value = values.excerpt;
    ctx.body.value = values.body;
    ctx.body.dispatchEvent(new Event("input", { bubbles: true }));
    for (const field of [ctx.title, ctx.excerpt]) {
      if (field) field.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  // --- Layout: the writing pane (status row, picker, body) beside the preview -------------

  function buildLayout(body) {
    const editor = el("div", "closer-editor");
    const writing = el("div", "closer-editor-writing");
    const statusRow = el("div", "closer-editor-toolbar");
    const insertButton = el("button", "button closer-insert-image", "Insert image…");
    insertButton.type = "button";
    insertButton.setAttribute("aria-expanded", "false");
    const stats = el("p", "closer-editor-stats");
    stats.setAttribute("aria-live", "polite");
    const saved = el("p", "closer-autosave-status");
    saved.setAttribute("role", "status");
    statusRow.append(insertButton, stats, saved);
    const uploads = el("div", "closer-uploads");
    uploads.setAttribute("aria-live", "polite");
    body.parentNode.insertBefore(editor, body);
    writing.append(statusRow, uploads, body);
    editor.appendChild(writing);
    const row = body.closest(".form-row");
    if (row) row.classList.add("closer-editor-row");
    return { editor, writing, statusRow, insertButton, stats, saved, uploads };
  }

  // --- Leaving with unsaved text ------------------------------------------------------------

  function guardUnsaved(ctx, keepCopy) {
    const state = { dirty: ctx.hasErrors }; // a page shown again with errors holds unsaved text
    ctx.form.addEventListener("input", () => { state.dirty = true; keepCopy.soon(); });
    ctx.form.addEventListener("change", () => { state.dirty = true; });
    ctx.form.addEventListener("submit", () => { state.dirty = false; keepCopy.now(true); });
    window.addEventListener("beforeunload", (event) => {
      if (!state.dirty) return;
      keepCopy.now(false);
      event.preventDefault();
      event.returnValue = "";
    });
    return state;
  }

  function browserCopy(ctx) {
    const key = desk.localCopy.keyFor(ctx.postId);
    let timer = null;
    return {
      key,
      now(submitted) { window.clearTimeout(timer); desk.localCopy.save(key, valuesOf(ctx), submitted); },
      soon() {
        window.clearTimeout(timer);
        timer = window.setTimeout(() => desk.localCopy.save(key, valuesOf(ctx), false), 800);
      },
    };
  }

  // --- Offering kept text back --------------------------------------------------------------

  function restoreBanner(ctx, { text, kept, onRestore, onDiscard }) {
    const banner = el("div", "closer-draft-banner");
    banner.setAttribute("role", "status");
    const restore = el("button", "button default", "Restore it");
    const discard = el("button", "button", "Discard");
    restore.type = discard.type = "button";
    restore.addEventListener("click", () => {
      putValues(ctx, kept);
      banner.remove();
      onRestore();
      ctx.body.focus();
    });
    discard.addEventListener("click", () => { onDiscard(); banner.remove(); });
    banner.append(el("p", "", text), restore, discard);
    ctx.form.parentNode.insertBefore(banner, ctx.form);
    return banner;
  }

  function describe(kept) {
    return `“${kept.title || "untitled"}”, ${wordCount(kept.body)} words.`;
  }

  function offerBrowserCopy(ctx, copy, state) {
    const kept = desk.localCopy.read(copy.key);
    if (!kept) return null;
    const now = valuesOf(ctx);
    if (kept.body === now.body && kept.title === now.title && kept.excerpt === now.excerpt) {
      if (!ctx.hasErrors) desk.localCopy.forget(copy.key); // the page already holds this text
      return null;
    }
    if (!kept.body && !kept.title) return null;
    const when = new Date(kept.savedAt);
    const stamp = Number.isNaN(when.getTime()) ? "" : ` (${when.toLocaleString()})`;
    const banner = restoreBanner(ctx, {
      text: `This browser kept text you had not saved${stamp}: ${describe(kept)}`,
      kept,
      onRestore: () => { state.dirty = true; },
      onDiscard: () => desk.localCopy.forget(copy.key),
    });
    return { kept, banner };
  }

  function lf(text) {
    return (text || "").replace(/\r\n?/g, "\n");
  }

  function offerAutosave(ctx, state, local) {
    return (kept, discard) => {
      // Both nets hold the same text: one offer, the server's.
      if (local && lf(local.kept.body) === lf(kept.body) && lf(local.kept.title) === lf(kept.title)) {
        local.banner.remove();
      }
      restoreBanner(ctx, {
        text: `Autosaved on ${kept.saved_label}, after the last save: ${describe(kept)} ` +
          "Readers do not see it until you save.",
        kept,
        onRestore: () => { state.dirty = true; },
        onDiscard: discard,
      });
    };
  }

  // --- Start ------------------------------------------------------------------------------

  function setup(body) {
    const ctx = formContext(body);
    const layout = buildLayout(body);
    const preview = desk.preview.attach({
      body, csrf: ctx.csrf, formatField: ctx.formatField, titleField: ctx.title,
      excerptField: ctx.excerpt, stats: layout.stats,
    });
    layout.editor.appendChild(preview.pane);
    layout.writing.insertBefore(desk.images.picker({ body, toggle: layout.insertButton }), layout.uploads);
    desk.images.acceptFiles(body, { csrf: ctx.csrf, area: layout.uploads });

    const copy = browserCopy(ctx);
    const state = guardUnsaved(ctx, copy);
    if (ctx.hasErrors) copy.now(false);
    const local = offerBrowserCopy(ctx, copy, state);
    desk.autosave.attach({
      form: ctx.form, body, csrf: ctx.csrf, postId: ctx.postId, values: () => valuesOf(ctx),
      status: layout.saved, offer: offerAutosave(ctx, state, local),
    });
  }

  function start() {
    desk.localCopy.forgetSubmitted();
    const body = document.querySelector("textarea.closer-body-editor");
    if (body && body.form) setup(body);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})((window.CloserDesk = window.CloserDesk || {}));
