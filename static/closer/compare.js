// Side by side ([compare: A | B]): one button starts both videos, the later one after the
// offset. Nothing loads before the press: each video is still player.js's facade, pressed here
// as a reader would press it; once a player frame has loaded it is also told to play by its
// postMessage API, in case the browser held back the second autoplay.
(function () {
  "use strict";
  var PLAY = {
    youtube: { event: "command", func: "playVideo", args: [] },
    vimeo: { method: "play" },
    dailymotion: { command: "play" }
  };

  function start(figure) {
    var facade = figure.querySelector("a.video-facade");
    if (!facade) return;
    facade.click(); // player.js swaps in the player
    var player = figure.querySelector(".video-player");
    var message = PLAY[(figure.getAttribute("data-video-key") || "").split(":")[0]];
    if (!player || player.tagName !== "IFRAME" || !message) return;
    player.addEventListener("load", function () {
      player.contentWindow.postMessage(JSON.stringify(message), new URL(player.src).origin);
    });
  }

  document.querySelectorAll(".video-compare").forEach(function (pair) {
    var button = pair.querySelector(".video-compare-play");
    var figures = pair.querySelectorAll("figure.video");
    if (!button || figures.length !== 2) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var offset = parseInt(pair.getAttribute("data-offset"), 10) || 0;
      var first = offset >= 0 ? figures[0] : figures[1];
      var later = offset >= 0 ? figures[1] : figures[0];
      button.disabled = true;
      button.textContent = offset ? "Playing — the other follows" : "Playing";
      start(first);
      if (offset) {
        window.setTimeout(function () {
          start(later);
          button.textContent = "Playing";
        }, Math.abs(offset) * 1000);
      } else {
        start(later);
      }
    });
  });
})();
