// The Publish button says "Schedule" while the publication date is in the future.
(function () {
  "use strict";

  function chosenDate() {
    const day = document.getElementById("id_published_at_0");
    const time = document.getElementById("id_published_at_1");
    if (!day || !day.value) return null;
    const when = new Date(`${day.value}T${(time && time.value) || "00:00"}`);
    return Number.isNaN(when.getTime()) ? null : when;
  }

  function relabel(button) {
    const when = chosenDate();
    const later = when !== null && when.getTime() > Date.now();
    button.textContent = later ? button.dataset.labelLater : button.dataset.labelNow;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const button = document.querySelector("[data-closer-publish-button][data-label-later]");
    if (!button) return;
    relabel(button);
    for (const id of ["id_published_at_0", "id_published_at_1"]) {
      const field = document.getElementById(id);
      if (field) {
        field.addEventListener("input", () => relabel(button));
        field.addEventListener("change", () => relabel(button));
      }
    }
    // The admin's calendar and clock widgets set the value without an input event.
    document.addEventListener("click", () => window.setTimeout(() => relabel(button), 0));
  });
})();
