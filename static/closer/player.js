// Click-to-load video facades: nothing reaches the provider until the reader presses play.
(function () {
  "use strict";
  function play(facade) {
    var url = facade.getAttribute("data-player-url");
    var title = facade.getAttribute("data-title") || "Video";
    var player;
    if (facade.getAttribute("data-player") === "native") {
      player = document.createElement("video");
      player.controls = true;
      player.autoplay = true;
      player.src = url;
    } else {
      player = document.createElement("iframe");
      player.src = url;
      player.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      player.allowFullscreen = true;
      // YouTube refuses to play without the embedding origin in the Referer.
      player.referrerPolicy = "strict-origin-when-cross-origin";
    }
    player.title = title;
    player.className = "video-player";
    facade.replaceWith(player);
    player.focus();
  }
  document.addEventListener("click", function (event) {
    var facade = event.target.closest && event.target.closest("a.video-facade");
    if (!facade || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    play(facade);
  });
})();
