// Click-to-load video facades: nothing reaches the provider until the reader presses play.
// Timecode links (a.timecode) load the nearest player at that moment, or seek the one already
// playing: by postMessage to the player frame, so no provider script ever runs on our page.
(function () {
  "use strict";
  function load(facade, url, keepScroll) {
    var player;
    if (facade.getAttribute("data-player") === "native") {
      player = document.createElement("video");
      player.controls = true;
      player.autoplay = true;
      // Caption files (WebVTT, from our own media) as the player's captions menu.
      JSON.parse(facade.getAttribute("data-captions") || "[]").forEach(function (caption) {
        var track = document.createElement("track");
        track.kind = "captions";
        track.src = caption.src;
        track.srclang = caption.srclang;
        track.label = caption.label;
        player.appendChild(track);
      });
    } else {
      player = document.createElement("iframe");
      player.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
      player.allowFullscreen = true;
      // YouTube refuses to play without the embedding origin in the Referer.
      player.referrerPolicy = "strict-origin-when-cross-origin";
    }
    player.src = url || facade.getAttribute("data-player-url");
    player.title = facade.getAttribute("data-title") || "Video";
    player.className = "video-player";
    facade.replaceWith(player);
    player.focus({ preventScroll: !!keepScroll });
  }

  // The video a timecode belongs to: the last one with its key before the link, else the first.
  function figureFor(link) {
    var key = link.getAttribute("data-video-key");
    var first = null;
    var before = null;
    document.querySelectorAll("figure.video").forEach(function (figure) {
      if (figure.getAttribute("data-video-key") !== key) return;
      first = first || figure;
      if (figure.compareDocumentPosition(link) & Node.DOCUMENT_POSITION_FOLLOWING) before = figure;
    });
    return before || first;
  }

  function send(frame, message) {
    frame.contentWindow.postMessage(JSON.stringify(message), new URL(frame.src).origin);
  }

  function seek(link) {
    var figure = figureFor(link);
    var facade = figure && figure.querySelector("a.video-facade");
    var player = figure && figure.querySelector(".video-player");
    var url = link.getAttribute("data-player-url");
    var time = +link.getAttribute("data-start");
    var provider = link.getAttribute("data-video-key").split(":")[0];
    // dock.js cancels this event when it docks a player that has scrolled away: then the
    // reader stays where she is reading.
    var stay = figure && (facade || player) && !figure.dispatchEvent(
      new CustomEvent("closer:follow", { bubbles: true, cancelable: true, detail: { link: link } })
    );
    if (facade) {
      load(facade, url, stay);
    } else if (!player) {
      return false; // the video cannot play here: follow the link to the provider
    } else if (player.tagName === "VIDEO") {
      player.currentTime = time;
      player.play();
    } else if (provider === "youtube") {
      send(player, { event: "command", func: "seekTo", args: [time, true] });
      send(player, { event: "command", func: "playVideo", args: [] });
    } else if (provider === "vimeo") {
      send(player, { method: "setCurrentTime", value: time });
      send(player, { method: "play" });
    } else {
      player.src = url; // no seek API we can use without their script: reload at that time
    }
    if (!stay) figure.scrollIntoView({ block: "nearest" });
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var target = event.target.closest && event.target.closest("a.video-facade, a.timecode[data-player-url]");
    if (!target) return;
    if (target.classList.contains("video-facade")) {
      load(target);
    } else if (!seek(target)) {
      return;
    }
    event.preventDefault();
  });
})();
