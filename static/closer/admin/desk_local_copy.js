/* The writing desk's second net: a copy of the text in this browser, kept while typing and
   forgotten once a save reached the database (a success message after a submit). */
(function (desk) {
  "use strict";

  const PREFIX = "closer:post-draft:";

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function keyFor(postId) {
    return PREFIX + (postId || "new");
  }

  function read(key) {
    const s = store();
    if (!s) return null;
    try { return JSON.parse(s.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save(key, values, submitted) {
    const s = store();
    if (!s) return;
    const copy = { ...values, savedAt: new Date().toISOString(), submitted: !!submitted };
    try { s.setItem(key, JSON.stringify(copy)); } catch (e) { /* storage full: autosave remains */ }
  }

  function forget(key) {
    const s = store();
    if (s) s.removeItem(key);
  }

  function forgetSubmitted() {
    const s = store();
    if (!s || !document.querySelector(".messagelist .success")) return;
    for (let i = s.length - 1; i >= 0; i--) {
      const key = s.key(i);
      if (key && key.startsWith(PREFIX)) {
        const copy = read(key);
        if (copy && copy.submitted) s.removeItem(key);
      }
    }
  }

  desk.localCopy = { keyFor, read, save, forget, forgetSubmitted };
})((window.CloserDesk = window.CloserDesk || {}));
