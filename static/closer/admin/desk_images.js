/* The writing desk's images: "Insert image…" picks one from the library; an image pasted or
   dropped into the body is uploaded to the library (the Images admin's own checks), after its
   description is asked for, with progress shown, and its shortcode takes the place it was put. */
(function (desk) {
  "use strict";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Put text on a line of its own at the selection, as a body block.
  function insertBlock(body, text) {
    const before = body.value.slice(0, body.selectionStart);
    const lead = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    body.setRangeText(`${lead}${text}\n\n`, body.selectionStart, body.selectionEnd, "end");
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function replaceText(body, from, to) {
    const at = body.value.indexOf(from);
    if (at < 0) return false;
    const caret = body.selectionStart;
    body.setRangeText(to, at, at + from.length, "preserve");
    if (caret > at) body.setSelectionRange(caret + to.length - from.length, caret + to.length - from.length);
    body.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  // --- Insert image…: the library picker ------------------------------------------------------

  function choiceButton(image, onChoose) {
    const button = el("button", "closer-image-choice");
    button.type = "button";
    button.title = `Insert ${image.shortcode}`;
    if (image.thumbnail) {
      const img = el("img");
      img.src = image.thumbnail;
      img.alt = "";
      button.appendChild(img);
    }
    button.appendChild(el("span", "", image.label));
    button.addEventListener("click", () => onChoose(image.shortcode));
    return button;
  }

  function picker({ body, toggle }) {
    const box = el("div", "closer-image-picker");
    box.hidden = true;
    const search = el("input", "vTextField closer-image-search");
    search.type = "search";
    search.placeholder = "Search alt text, captions, credits";
    search.setAttribute("aria-label", "Search images");
    const grid = el("ul", "closer-image-grid");
    const upload = el("a", "closer-image-upload", "Upload a new image (opens a new tab) — or paste or drop one into the text");
    upload.href = body.dataset.imagesUrl.replace(/post\/image-picker\/$/, "image/add/");
    upload.target = "_blank";
    upload.rel = "noopener";
    box.append(search, grid, upload);

    function choose(shortcode) {
      insertBlock(body, shortcode);
      open(false);
      body.focus();
    }

    function load() {
      const url = `${body.dataset.imagesUrl}?q=${encodeURIComponent(search.value)}`;
      fetch(url, { credentials: "same-origin" }).then((r) => r.json()).then((json) => {
        grid.textContent = "";
        if (!json.images.length) grid.appendChild(el("li", "closer-image-empty", "No images yet."));
        for (const image of json.images) {
          const item = el("li");
          item.appendChild(choiceButton(image, choose));
          grid.appendChild(item);
        }
      }).catch(() => { grid.textContent = ""; grid.appendChild(el("li", "closer-image-empty", "The library could not be reached.")); });
    }

    function open(yes) {
      box.hidden = !yes;
      toggle.setAttribute("aria-expanded", yes ? "true" : "false");
      if (yes) { load(); search.focus(); }
    }

    let searchTimer = null;
    toggle.addEventListener("click", () => open(box.hidden));
    search.addEventListener("input", (event) => {
      event.stopPropagation(); // searching is not editing the post
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(load, 200);
    });
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
      if (event.key === "Escape") { open(false); toggle.focus(); }
    });
    return box;
  }

  // --- Pasted and dropped files ---------------------------------------------------------------

  function filesOf(transfer) {
    if (!transfer) return [];
    return [...(transfer.files || [])];
  }

  function readAsDataUrl(file) {
    // A data: URL (allowed by the CSP's img-src), not a blob: one.
    return new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => resolve("");
      reader.readAsDataURL(file);
    });
  }

  // Ask for the description; resolves to { alt_text, decorative, caption } or null (cancelled).
  function askDescription(file) {
    const dialog = el("dialog", "closer-image-dialog");
    dialog.setAttribute("aria-labelledby", "closer-image-dialog-title");
    const form = el("form");
    form.method = "dialog";
    const heading = el("h2", "", "Describe the image");
    heading.id = "closer-image-dialog-title";
    const thumb = el("img", "closer-image-dialog-thumb");
    thumb.alt = "";
    readAsDataUrl(file).then((url) => { if (url.startsWith("data:image/")) thumb.src = url; });
    const name = el("p", "closer-image-dialog-name", file.name || "Pasted image");
    const altLabel = el("label", "", "What it shows, for readers who cannot see it");
    const alt = el("input", "vTextField");
    alt.name = "alt_text";
    alt.maxLength = 300;
    altLabel.appendChild(alt);
    const decoLabel = el("label", "closer-image-dialog-check");
    const decorative = el("input");
    decorative.type = "checkbox";
    decorative.name = "decorative";
    decoLabel.append(decorative, document.createTextNode(" Decorative: it adds nothing a reader would miss"));
    const captionLabel = el("label", "", "Caption (optional, shown under it)");
    const caption = el("input", "vTextField");
    caption.name = "caption";
    caption.maxLength = 500;
    captionLabel.appendChild(caption);
    const problem = el("p", "closer-image-dialog-problem");
    problem.setAttribute("role", "alert");
    const buttons = el("div", "closer-image-dialog-buttons");
    const ok = el("button", "button default", "Upload and insert");
    ok.type = "submit";
    ok.value = "upload";
    const cancel = el("button", "button", "Cancel");
    cancel.type = "submit";
    cancel.value = "cancel";
    buttons.append(ok, cancel);
    form.append(heading, thumb, name, altLabel, decoLabel, captionLabel, problem, buttons);
    dialog.appendChild(form);
    document.body.appendChild(dialog);

    return new Promise((resolve) => {
      ok.addEventListener("click", (event) => {
        if (!alt.value.trim() && !decorative.checked) {
          event.preventDefault();
          problem.textContent = "Describe the image, or mark it decorative.";
          alt.focus();
        }
      });
      dialog.addEventListener("close", () => {
        const answer = dialog.returnValue === "upload"
          ? { alt_text: alt.value.trim(), decorative: decorative.checked ? "on" : "", caption: caption.value.trim() }
          : null;
        dialog.remove();
        resolve(answer);
      });
      dialog.showModal();
      alt.focus();
    });
  }

  // Upload with progress; resolves to the new image's JSON, rejects with the server's reason.
  function upload({ url, csrf, file, description, onProgress }) {
    return new Promise((resolve, reject) => {
      const data = new FormData();
      data.append("file", file, file.name || "pasted-image.png");
      for (const [name, value] of Object.entries(description)) data.append(name, value);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.responseType = "json";
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener("load", () => {
        const json = xhr.response || {};
        if (xhr.status === 201 && json.shortcode) resolve(json);
        else if (xhr.responseURL && !xhr.responseURL.includes("/image-upload/")) reject(new Error("The image was not uploaded: you may have been signed out."));
        else reject(new Error(json.error || `The image was not uploaded (the site answered ${xhr.status}).`));
      });
      xhr.addEventListener("error", () => reject(new Error("The image was not uploaded: the site could not be reached.")));
      xhr.send(data);
    });
  }

  function progressLine(area, file) {
    const line = el("p", "closer-upload");
    const label = el("span", "", `Uploading ${file.name || "the pasted image"}…`);
    const bar = el("progress");
    bar.max = 1;
    bar.value = 0;
    line.append(label, bar);
    area.appendChild(line);
    return {
      progress(share) { bar.value = share; },
      done(text) { bar.remove(); label.textContent = text; window.setTimeout(() => line.remove(), 8000); },
      failed(text) { bar.remove(); line.classList.add("is-refused"); line.setAttribute("role", "alert"); label.textContent = text; },
    };
  }

  let uploads = 0;

  function uploadInto(body, file, { csrf, area }) {
    const placeholder = `[uploading image ${++uploads}…]`;
    insertBlock(body, placeholder);
    const caret = [body.selectionStart, body.selectionEnd];
    return askDescription(file).then((description) => {
      // Closing the dialog hands focus back to the body, but not always the caret.
      body.focus();
      body.setSelectionRange(...caret);
      if (!description) { replaceText(body, `${placeholder}\n\n`, "") || replaceText(body, placeholder, ""); return; }
      const line = progressLine(area, file);
      return upload({ url: body.dataset.uploadUrl, csrf, file, description, onProgress: line.progress })
        .then((image) => {
          replaceText(body, placeholder, image.shortcode) || insertBlock(body, image.shortcode);
          line.done(`Added ${image.shortcode} (${file.name || "pasted image"}) to the library.`);
        })
        .catch((error) => {
          replaceText(body, `${placeholder}\n\n`, "") || replaceText(body, placeholder, "");
          line.failed(`${file.name || "The image"}: ${error.message}`);
        });
    });
  }

  function acceptFiles(body, options) {
    function take(event, transfer) {
      const files = filesOf(transfer);
      if (!files.length) return;
      event.preventDefault();
      files.reduce((chain, file) => chain.then(() => uploadInto(body, file, options)), Promise.resolve());
    }
    body.addEventListener("paste", (event) => take(event, event.clipboardData));
    body.addEventListener("dragover", (event) => {
      if (event.dataTransfer && [...event.dataTransfer.types].includes("Files")) event.preventDefault();
    });
    body.addEventListener("drop", (event) => take(event, event.dataTransfer));
  }

  desk.images = { picker, acceptFiles, insertBlock };
})((window.CloserDesk = window.CloserDesk || {}));
