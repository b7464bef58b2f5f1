/* "Copy" buttons next to image shortcodes in the admin. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.closer-copy");
    if (!button) return;
    var text = button.dataset.copy;
    var done = function () {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectSnippet(button); });
    } else {
      selectSnippet(button);
    }
  });

  function selectSnippet(button) {
    // Without the clipboard API (plain http), select the code so Ctrl+C copies it.
    var code = button.parentNode.querySelector(".closer-snippet");
    if (!code) return;
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    button.textContent = "Press Ctrl+C";
  }
})();
