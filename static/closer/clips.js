// Clips ([1:23-1:45], or a video URL with a start and an end): stop the player at the end.
// Loaded only by pages that quote a clip. player.js loads or seeks the player; this script
// remembers where the pressed clip ends and pauses the player there, through the player's own
// postMessage API (YouTube, Vimeo, Dailymotion) or the <video> element; no provider script
// runs here. Dailymotion's player (loaded with api=postMessage) reports its time by itself, as
// "event=timeupdate&time=12.3" strings, and takes {"command": "pause"}.
(function () {
  "use strict";
  function send(frame, message) {
    frame.contentWindow.postMessage(JSON.stringify(message), new URL(frame.src).origin);
  }

  // Ask the player to report its time: Vimeo by timeupdate events, YouTube by infoDelivery.
  function listen(player) {
    if (player.tagName === "VIDEO") {
      if (!player.closerListens) player.addEventListener("timeupdate", function () { reached(player, player.currentTime); });
      player.closerListens = true;
    } else if (player.src.indexOf("vimeo.com") > -1) {
      send(player, { method: "addEventListener", value: "timeupdate" });
    } else if (player.src.indexOf("youtube") > -1) {
      player.contentWindow.postMessage(JSON.stringify({ event: "listening", id: 1, channel: "widget" }), new URL(player.src).origin);
    }
  }

  function isDailymotion(player) {
    return player.src.indexOf("dailymotion.com") > -1;
  }

  function reached(player, seconds) {
    var figure = player.closest("figure");
    var end = figure && figure.closerEnd;
    if (!end || seconds < end) return;
    figure.closerEnd = 0;
    if (player.tagName === "VIDEO") player.pause();
    else if (player.src.indexOf("vimeo.com") > -1) send(player, { method: "pause" });
    else if (isDailymotion(player)) send(player, { command: "pause", parameters: [] });
    else send(player, { event: "command", func: "pauseVideo", args: [] });
  }

  function playerIn(figure) {
    return figure.querySelector(".video-player");
  }

  // Capture phase: runs before player.js swaps the facade for the player.
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("a.timecode, a.video-facade");
    if (!target) return;
    var figure = target.classList.contains("video-facade") ? target.closest("figure") : null;
    var end = +(target.getAttribute("data-end") || (figure && figure.getAttribute("data-end")) || 0);
    var key = target.getAttribute("data-video-key");
    if (!figure) {
      figure = null;
      document.querySelectorAll("figure.video").forEach(function (candidate) {
        if (candidate.getAttribute("data-video-key") !== key) return;
        if (!figure || candidate.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING) figure = candidate;
      });
    }
    if (!figure) return;
    figure.closerEnd = end;
    if (!end) return;
    setTimeout(function () {
      var player = playerIn(figure);
      if (!player) return;
      if (player.tagName === "IFRAME") player.addEventListener("load", function () { listen(player); });
      listen(player);
    }, 0);
  }, true);

  window.addEventListener("message", function (event) {
    var data = event.data;
    try {
      if (typeof data === "string") data = JSON.parse(data);
    } catch (error) {
      // Dailymotion's events are query strings: "event=timeupdate&time=12.3&id=…".
      if (data.indexOf("event=") === -1) return;
      var params = new URLSearchParams(data);
      data = { event: params.get("event"), time: params.get("time") };
    }
    if (!data) return;
    var player = null;
    document.querySelectorAll("iframe.video-player").forEach(function (frame) {
      if (frame.contentWindow === event.source) player = frame;
    });
    if (!player) return;
    if (data.event === "ready") listen(player);
    else if (data.event === "timeupdate" && data.data) reached(player, data.data.seconds);
    else if (data.event === "timeupdate" && data.time != null && isDailymotion(player)) reached(player, +data.time);
    else if (data.event === "infoDelivery" && data.info && data.info.currentTime != null) reached(player, data.info.currentTime);
  });
})();
