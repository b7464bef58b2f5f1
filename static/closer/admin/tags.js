/* Tag autocomplete for the comma-separated tag field: suggestions for the tag being typed,
   from the existing tags, chosen with the mouse or the arrow keys and Enter. The server matches
   as near-duplicates are matched (case, accents, plural, spaces and hyphens): when what is typed
   already is an existing tag but for its spelling, that tag comes first, marked "existing tag". */
(function () {
  "use strict";

  function setup(input) {
    var list = document.createElement("ul");
    list.className = "closer-tag-suggestions";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    // A positioned wrapper puts the list right under the field.
    var wrapper = document.createElement("span");
    wrapper.className = "closer-tags-wrap";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    var active = -1;
    var timer = null;
    var sequence = 0;

    function parts() {
      var value = input.value;
      var cut = value.lastIndexOf(",") + 1;
      return { head: value.slice(0, cut), fragment: value.slice(cut).trim() };
    }

    function chosen() {
      return input.value.split(",").map(function (t) { return t.trim().toLowerCase(); });
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(name) {
      var head = parts().head;
      input.value = (head ? head.replace(/\s*$/, " ") : "") + name + ", ";
      close();
      input.focus();
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      if (!items.length) return;
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function suggest() {
      var fragment = parts().fragment;
      if (!fragment) { close(); return; }
      var mine = ++sequence;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(fragment), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (json) {
          if (mine !== sequence) return;
          var taken = chosen();
          var names = json.tags.filter(function (name) { return taken.indexOf(name.toLowerCase()) === -1 || name.toLowerCase() === fragment.toLowerCase(); });
          list.textContent = "";
          active = -1;
          if (!names.length) { close(); return; }
          names.forEach(function (name, i) {
            var item = document.createElement("li");
            item.id = list.id + "-" + i;
            item.setAttribute("role", "option");
            item.dataset.name = name;
            item.textContent = name;
            if (json.existing === name && name !== fragment) {
              var hint = document.createElement("span");
              hint.className = "closer-tag-hint";
              hint.textContent = "existing tag";
              item.appendChild(hint);
            }
            item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(name); });
            list.appendChild(item);
          });
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          if (json.existing && names[0] === json.existing) highlight(0);
        });
    }

    input.addEventListener("input", function (event) {
      if (!event.isTrusted) return; // our own choose() already closed the list
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(list.querySelectorAll("li")[active].dataset.name);
      } else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  function start() {
    document.querySelectorAll("input.closer-tags").forEach(setup);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
