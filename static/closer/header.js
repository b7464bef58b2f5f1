// The header's search on phones: the icon opens the field in place instead of going to /search/.
// Without this script the icon is a plain link to the search page.
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  var open = header && header.querySelector(".site-search-open");
  var field = document.getElementById("site-search-q");
  if (!open || !field) return;
  open.setAttribute("role", "button");
  open.setAttribute("aria-expanded", "false");
  function toggle(show) {
    header.classList.toggle("is-searching", show);
    open.setAttribute("aria-expanded", String(show));
    if (show) field.focus();
  }
  open.addEventListener("click", function (event) {
    if (getComputedStyle(open).display === "none") return;
    event.preventDefault();
    toggle(!header.classList.contains("is-searching"));
  });
  open.addEventListener("keydown", function (event) {
    if (event.key === " ") { event.preventDefault(); open.click(); } // a button answers Space
  });
  field.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("is-searching")) {
      toggle(false);
      open.focus();
    }
  });
})();
