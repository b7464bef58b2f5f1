// The body's Markdown toolbar, length counters for title and excerpt, and the syntax card.
// Our own small script (no third-party code, CSP-safe): each button wraps or prefixes the
// selection the way Closer's Markdown reads it.
(function () {
  "use strict";

  // label, title, how: wrap [before, after], or a line prefix.
  const ACTIONS = [
    ["B", "Bold", { wrap: ["**", "**"], placeholder: "bold text" }],
    ["I", "Italic", { wrap: ["*", "*"], placeholder: "italic text" }],
    ["H", "Heading", { line: "## ", placeholder: "Heading" }],
    ["Link", "Link", { wrap: ["[", "](https://)"], placeholder: "link text" }],
    ["❝", "Quote", { line: "> ", placeholder: "Quoted text" }],
    ["•", "List", { line: "- ", placeholder: "List item" }],
    ["¹", "Footnote", { wrap: ["[^1]", ""], placeholder: "", footnote: true }],
    ["Image", "Image from the library: [image:ID] on its own line", { block: "[image:ID]" }],
    ["Video", "Video: its address alone on a line", { block: "https://www.youtube.com/watch?v=" }],
    ["1:23", "Timecode: jumps the video above to that time", { wrap: ["[", "]"], placeholder: "1:23" }],
  ];

  const SYNTAX = [
    ["A video", "its address alone on a line: https://vimeo.com/76979871"],
    ["A timecode", "[1:23] or [1:02:03] jumps the video above to that moment"],
    ["An image", "[image:12] alone on a line (the Insert image… button)"],
    ["A still", "[still:7] alone on a line: a frame of a video (Blog › Stills), plays from its time"],
    ["Side by side", "[compare: URL_A | URL_B] or [compare: URL_A | URL_B | offset=12] alone on a line"],
    ["A footnote", "word[^1] … and, at the end, [^1]: the note"],
    ["A quote", "> at the start of the line"],
    ["Emphasis", "*italic*, **bold**, ## Heading, - list item"],
  ];

  function apply(body, how) {
    const start = body.selectionStart;
    const end = body.selectionEnd;
    const chosen = body.value.slice(start, end);
    let text;
    if (how.block) {
      const before = body.value.slice(0, start);
      const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
      text = `${lead}${chosen || how.block}\n\n`;
    } else if (how.line) {
      const lines = (chosen || how.placeholder).split("\n");
      const atLineStart = start === 0 || body.value[start - 1] === "\n";
      text = (atLineStart ? "" : "\n") + lines.map((line) => how.line + line).join("\n");
    } else {
      text = how.wrap[0] + (chosen || how.placeholder) + how.wrap[1];
      if (how.footnote) text += "";
    }
    body.focus();
    body.setRangeText(text, start, end, chosen ? "end" : "select");
    if (how.footnote && !/\n\[\^1\]:/.test(body.value)) {
      body.value = `${body.value.replace(/\s*$/, "")}\n\n[^1]: The note.\n`;
    }
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function toolbar(body) {
    const bar = document.createElement("div");
    bar.className = "closer-md-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Formatting");
    for (const [label, title, how] of ACTIONS) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "closer-md-button";
      button.textContent = label;
      button.title = title;
      button.setAttribute("aria-label", title);
      button.addEventListener("click", () => apply(body, how));
      bar.appendChild(button);
    }
    const help = document.createElement("details");
    help.className = "closer-syntax-card";
    const summary = document.createElement("summary");
    summary.textContent = "Syntax";
    const list = document.createElement("dl");
    for (const [term, description] of SYNTAX) {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = description;
      list.append(dt, dd);
    }
    help.append(summary, list);
    bar.appendChild(help);
    body.parentNode.insertBefore(bar, body);
    body.addEventListener("keydown", (event) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      const key = event.key.toLowerCase();
      if (key === "b" || key === "i") {
        event.preventDefault();
        apply(body, ACTIONS[key === "b" ? 0 : 1][2]);
      }
    });
  }

  // A counter that says how much room is left; the server refuses (never cuts) what is over.
  function counter(field) {
    const limit = Number(field.dataset.maxLength);
    if (!limit) return;
    const out = document.createElement("span");
    out.className = "closer-counter";
    out.setAttribute("aria-live", "polite");
    function update() {
      const length = field.value.length;
      out.textContent = `${length} / ${limit}`;
      out.classList.toggle("is-over", length > limit);
      field.setCustomValidity(
        length > limit ? `This is ${length} characters; it can hold ${limit}. Shorten it.` : "",
      );
    }
    field.addEventListener("input", update);
    field.after(out);
    update();
  }

  function start() {
    const body = document.querySelector("textarea.closer-body-editor");
    if (body) toolbar(body);
    document.querySelectorAll("[data-max-length]").forEach(counter);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
