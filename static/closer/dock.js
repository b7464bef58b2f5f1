// Keep the player in view: when a timecode link drives a player that has scrolled away, the
// player docks in a corner (a thin bar at the bottom of a phone) instead of the page jumping
// back to it. It undocks when the reader scrolls back to its place, presses its close button
// or Escape. Loaded only on pages with timecode links; player.js asks through "closer:follow".
// Only the figure's class changes, never its place in the document: moving an iframe would
// reload the player.
(function () {
  "use strict";
  var docked = null; // { figure, spacer, bar, observer, link }

  function outOfView(element) {
    var box = element.getBoundingClientRect();
    return box.bottom <= 0 || box.top >= window.innerHeight;
  }

  function undock(returnFocus) {
    if (!docked) return;
    var current = docked;
    docked = null;
    current.observer.disconnect();
    current.figure.classList.remove("is-docked");
    current.figure.removeAttribute("aria-label");
    current.bar.remove();
    current.spacer.remove();
    document.body.classList.remove("has-docked-video");
    if (returnFocus && current.link) current.link.focus({ preventScroll: true });
  }

  function dock(figure, link) {
    if (docked && docked.figure === figure) {
      docked.link = link;
      return;
    }
    undock(false);
    // The figure leaves the flow: a spacer of its size keeps the text from jumping.
    var spacer = document.createElement("div");
    spacer.className = "video-dock-spacer";
    spacer.style.height = figure.getBoundingClientRect().height + "px";
    figure.parentNode.insertBefore(spacer, figure);

    // player.js asks before it swaps the facade for the player: either may be there.
    var titled = figure.querySelector(".video-facade[data-title], .video-player[title]");
    var title = titled && (titled.getAttribute("data-title") || titled.title);
    var bar = document.createElement("div");
    bar.className = "video-dock-bar";
    var label = document.createElement("span");
    label.className = "video-dock-title";
    label.textContent = title || "Video";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "video-dock-close";
    close.setAttribute("aria-label", "Close the small player");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () { undock(true); });
    bar.appendChild(label);
    bar.appendChild(close);
    figure.insertBefore(bar, figure.firstChild);
    figure.setAttribute("aria-label", "Small player: " + label.textContent);
    figure.classList.add("is-docked");
    document.body.classList.add("has-docked-video");

    // Back at its place in the essay: the player returns there.
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) undock(false);
    });
    docked = { figure: figure, spacer: spacer, bar: bar, observer: observer, link: link };
    observer.observe(spacer);
  }

  document.addEventListener("closer:follow", function (event) {
    var figure = event.target;
    if (!(docked && docked.figure === figure) && !outOfView(figure)) return;
    event.preventDefault(); // player.js: do not scroll back to it
    dock(figure, event.detail && event.detail.link);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && docked) undock(true);
  });
})();
