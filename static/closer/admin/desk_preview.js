/* The writing desk's live preview: the body drawn by the site's own renderer into a frame that
   loads the site's own stylesheets, so it reads as the essay page does, and scrolled to the
   block the writer is working on.

   The frame is a sandboxed srcdoc document (same origin, no scripts): the strict CSP applies to
   it, its styles come from our static files, and the page's admin styles cannot leak in. */
(function (desk) {
  "use strict";

  const PREVIEW_DELAY = 400;
  const FOLLOW_DELAY = 120;
  const UNAVAILABLE = "Preview unavailable — are you still signed in? Your text is kept in this browser.";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function escapeAttr(value) {
    return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  // --- The frame --------------------------------------------------------------------------

  function frameSource(stylesheets) {
    const links = stylesheets.filter(Boolean)
      .map((href) => `<link rel="stylesheet" href="${escapeAttr(href)}">`).join("");
    return '<!doctype html><html lang="en"><head><meta charset="utf-8">' + links + "</head>" +
      '<body class="closer-preview-frame"><main id="content"><article class="post">' +
      '<header class="post-header"><h1></h1><p class="post-standfirst" hidden></p></header>' +
      '<div class="post-body"></div></article></main></body></html>';
  }

  function buildPane(stylesheets) {
    const pane = el("section", "closer-editor-preview");
    pane.setAttribute("aria-label", "Preview");
    const label = el("p", "closer-editor-preview-label", "Preview — as readers will see it");
    const warnings = el("ul", "closer-preview-warnings");
    warnings.setAttribute("role", "status");
    warnings.hidden = true;
    const frame = el("iframe", "closer-preview-frame");
    frame.title = "Preview of the essay";
    frame.setAttribute("sandbox", "allow-same-origin");
    frame.srcdoc = frameSource(stylesheets);
    pane.append(label, warnings, frame);
    return { pane, warnings, frame };
  }

  // Calls draw(doc) once the frame's document is ready, and again on every later call.
  function frameWriter(frame) {
    let ready = false;
    let pending = null;
    frame.addEventListener("load", () => {
      ready = true;
      if (pending) pending(frame.contentDocument);
      pending = null;
    });
    return function write(draw) {
      if (ready && frame.contentDocument) draw(frame.contentDocument);
      else pending = draw;
    };
  }

  // --- Asking the server --------------------------------------------------------------------

  function requestPreview(url, csrf, text, format) {
    const data = new FormData();
    data.append("body", text);
    data.append("body_format", format);
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf },
    }).then((response) => {
      if (response.redirected) throw new Error(`preview ${response.status}`);
      // A refusal (body too large or too deeply nested, previews too fast) says why.
      return response.json().catch(() => ({})).then((json) => {
        if (!response.ok) {
          const refusal = new Error(`preview ${response.status}`);
          refusal.reason = json.error;
          throw refusal;
        }
        return json;
      });
    });
  }

  function showWarnings(list, warnings) {
    list.textContent = "";
    (warnings || []).forEach((w) => list.appendChild(el("li", "", w)));
    list.hidden = !list.children.length;
  }

  // --- Following the cursor ---------------------------------------------------------------

  const FENCE = /^\s{0,3}(```|~~~)/;
  const LIST_ITEM = /^\s{0,3}([-*+]|\d+[.)])\s/;
  const FOOTNOTE = /^\[\^[^\]]+\]:/;
  const HEADING = /^\s{0,3}#{1,6}(\s|$)/;

  // The top-level blocks of Markdown text, each with the offset where it starts and its kind.
  function markdownBlocks(text) {
    const blocks = [];
    let offset = 0;
    let current = null;
    let inFence = false;
    let previousBlank = true;
    for (const line of text.split("\n")) {
      const blank = line.trim() === "";
      if (inFence) {
        if (FENCE.test(line)) inFence = false;
      } else if (!blank) {
        const kind = FOOTNOTE.test(line) ? "footnote" : LIST_ITEM.test(line) ? "list" : "text";
        const continuesList = current && current.kind === "list" && (kind === "list" || /^\s/.test(line));
        const starts = HEADING.test(line) || (current && current.kind === "heading") ||
          (previousBlank && !continuesList) || (kind === "footnote");
        if (starts || !current) {
          current = { start: offset, kind: HEADING.test(line) ? "heading" : kind, text: line };
          blocks.push(current);
        }
        if (FENCE.test(line)) inFence = true;
      }
      previousBlank = blank && !inFence;
      offset += line.length + 1;
    }
    return blocks;
  }

  function normalise(text) {
    return text.replace(/[#>*_`~\[\]()!|-]+/g, " ").replace(/https?:\/\/\S+/g, " ")
      .replace(/\s+/g, " ").trim().toLowerCase();
  }

  // The preview element that shows the block at position pos of the text.
  function elementForPosition(doc, text, pos) {
    const blocks = markdownBlocks(text);
    let at = -1;
    blocks.forEach((block, i) => { if (block.start <= pos) at = i; });
    if (at < 0) return null;
    const block = blocks[at];
    if (block.kind === "footnote") return doc.querySelector(".post-body .footnotes");
    const index = blocks.slice(0, at).filter((b) => b.kind !== "footnote").length;
    const shown = [...doc.querySelectorAll(".post-body > *")]
      .filter((node) => !node.matches(".footnotes, .footnotes-sep, hr.footnotes-sep"));
    if (!shown.length) return null;
    const guess = Math.min(index, shown.length - 1);
    // Refine the guess by the block's words: lists, tables and HTML can join or split blocks.
    const words = normalise(block.text).split(" ").slice(0, 6).join(" ");
    if (words.length >= 8) {
      for (let distance = 0; distance <= 6; distance++) {
        for (const i of [guess - distance, guess + distance]) {
          if (i >= 0 && i < shown.length && normalise(shown[i].textContent).includes(words)) return shown[i];
        }
      }
    }
    return shown[guess];
  }

  function scrollFrameTo(frame, node) {
    const win = frame.contentWindow;
    if (!win || !node) return;
    const doc = frame.contentDocument;
    doc.querySelectorAll(".closer-preview-current").forEach((n) => n.classList.remove("closer-preview-current"));
    node.classList.add("closer-preview-current");
    const top = node.getBoundingClientRect().top + win.scrollY;
    // Scroll the frame only (scrollIntoView would move the admin page too).
    win.scrollTo(0, Math.max(0, top - win.innerHeight / 3));
  }

  // --- Putting it together ------------------------------------------------------------------

  /* Attach a live preview beside the body; returns { pane, refresh, follow }. */
  function attach({ body, csrf, formatField, titleField, excerptField, stats }) {
    const { pane, warnings, frame } = buildPane([
      body.dataset.siteCss, body.dataset.videoCss, body.dataset.frameCss,
    ]);
    const write = frameWriter(frame);
    let sequence = 0;
    let previewTimer = null;
    let followTimer = null;

    function format() {
      return formatField ? formatField.value : "markdown";
    }

    function follow() {
      if (format() !== "markdown") return;
      write((doc) => scrollFrameTo(frame, elementForPosition(doc, body.value, body.selectionStart)));
    }

    function drawHeader() {
      write((doc) => {
        doc.querySelector("h1").textContent = titleField ? titleField.value : "";
        const standfirst = doc.querySelector(".post-standfirst");
        standfirst.textContent = excerptField ? excerptField.value : "";
        standfirst.hidden = !standfirst.textContent.trim();
      });
    }

    function draw(json) {
      write((doc) => {
        // Rendered and sanitized by the server's render_body; no script runs in the frame.
        doc.querySelector(".post-body").innerHTML = json.html;
        follow();
      });
      showWarnings(warnings, json.warnings);
      stats.textContent = json.label;
      pane.classList.remove("is-stale");
    }

    function refresh() {
      const mine = ++sequence;
      requestPreview(body.dataset.previewUrl, csrf, body.value, format())
        .then((json) => { if (mine === sequence) draw(json); })
        .catch((error) => {
          if (mine !== sequence) return;
          pane.classList.add("is-stale");
          stats.textContent = (error && error.reason) || UNAVAILABLE;
        });
    }

    function schedule(callback, timer, delay) {
      window.clearTimeout(timer);
      return window.setTimeout(callback, delay);
    }

    body.addEventListener("input", () => { previewTimer = schedule(refresh, previewTimer, PREVIEW_DELAY); });
    for (const type of ["click", "keyup", "focus"]) {
      body.addEventListener(type, () => { followTimer = schedule(follow, followTimer, FOLLOW_DELAY); });
    }
    if (formatField) formatField.addEventListener("change", refresh);
    for (const field of [titleField, excerptField]) {
      if (field) field.addEventListener("input", drawHeader);
    }
    drawHeader();
    refresh();
    return { pane, refresh, follow, redrawHeader: drawHeader };
  }

  desk.preview = { attach, markdownBlocks, elementForPosition };
})((window.CloserDesk = window.CloserDesk || {}));
