// Watch-along: while a video plays, mark the paragraph that quotes the current moment (and the
// transcript line being spoken); "Follow along" scrolls the essay with the video; "Play the
// quoted moments" plays the essay's clips one after another. The player's time comes from the
// <video> element's timeupdate or from the player's own postMessage events (YouTube
// infoDelivery after "listening", Vimeo timeupdate after addEventListener, Dailymotion's
// "event=timeupdate&time=…" strings), as in clips.js: no provider script runs on our page.
// player.js loads and seeks players and clips.js stops them at a clip's end; the queue of
// quoted moments presses each clip's link in turn, so it goes through exactly those paths.
(function () {
  "use strict";
  if (window.closerWatchAlong) return; // the essay and a transcript may both include us
  window.closerWatchAlong = true;

  var BLOCKS = "p, li, blockquote, h2, h3, h4, h5, h6, dd, dt, td, th";
  var NOW = "watchalong-now";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)");
  var following = false;
  var followButton = null;
  var playButton = null;
  var queue = null; // while playing the quoted moments: {links, index, started}

  function send(frame, message) {
    frame.contentWindow.postMessage(JSON.stringify(message), new URL(frame.src).origin);
  }

  function providerOf(player) {
    var figure = player.closest("figure.video");
    return figure ? figure.getAttribute("data-video-key").split(":")[0] : "";
  }

  // Ask a player to report its time.
  function listen(player) {
    if (player.tagName === "VIDEO") {
      if (player.closerFollowed) return;
      player.closerFollowed = true;
      player.addEventListener("timeupdate", function () { timeAt(player, player.currentTime); });
      return;
    }
    var provider = providerOf(player);
    if (provider === "vimeo") send(player, { method: "addEventListener", value: "timeupdate" });
    else if (provider === "youtube") send(player, { event: "listening", id: 1, channel: "widget" });
    // Dailymotion (api=postMessage) reports its time unasked.
  }

  // A player appears when a facade or a timecode is pressed: start listening to it.
  function watch(figure) {
    setTimeout(function () {
      var player = figure && figure.querySelector(".video-player");
      if (!player || player.closerWatched) return;
      player.closerWatched = true;
      if (player.tagName === "IFRAME") player.addEventListener("load", function () { listen(player); });
      listen(player);
    }, 0);
  }

  function figureFor(link) {
    var key = link.getAttribute("data-video-key");
    var found = null;
    document.querySelectorAll("figure.video").forEach(function (figure) {
      if (figure.getAttribute("data-video-key") !== key) return;
      if (!found || figure.compareDocumentPosition(link) & Node.DOCUMENT_POSITION_FOLLOWING) found = figure;
    });
    return found;
  }

  // Where a moment's link sits: a transcript line, a chapter, or a block of the text.
  function placeOf(link) {
    var line = link.closest(".video-transcript-lines > li, .video-chapters > li");
    if (line) return { group: line.parentNode, block: line };
    var block = link.closest(BLOCKS);
    return block ? { group: document.body, block: block } : null;
  }

  // For each group, the link whose range holds the time, else the one that most recently
  // started before it.
  function current(key, seconds) {
    var best = new Map();
    document.querySelectorAll("a.timecode[data-video-key]").forEach(function (link) {
      if (link.getAttribute("data-video-key") !== key) return;
      var start = +link.getAttribute("data-start");
      var end = +(link.getAttribute("data-end") || 0);
      var place = placeOf(link);
      if (!place || start > seconds) return;
      var holds = end > seconds;
      var seen = best.get(place.group);
      if (!seen || (holds && !seen.holds) || (holds === seen.holds && start > seen.start)) {
        best.set(place.group, { start: start, holds: holds, block: place.block });
      }
    });
    return best;
  }

  function timeAt(player, seconds) {
    var figure = player.closest("figure.video");
    if (!figure || !isFinite(seconds)) return;
    var now = current(figure.getAttribute("data-video-key"), seconds);
    var marked = new Set();
    now.forEach(function (found) { marked.add(found.block); });
    document.querySelectorAll("." + NOW).forEach(function (block) {
      if (!marked.has(block)) block.classList.remove(NOW);
    });
    marked.forEach(function (block) {
      if (block.classList.contains(NOW)) return;
      block.classList.add(NOW);
      if (following && block.closest(".post-body") && !block.closest("figure")) scrollTo(block);
    });
    document.querySelectorAll("figure.watchalong-playing").forEach(function (other) {
      if (other !== figure) other.classList.remove("watchalong-playing");
    });
    figure.classList.add("watchalong-playing");
    if (queue) advance(figure, seconds);
  }

  // --- Play the quoted moments -------------------------------------------------------------

  function clipsInText() {
    return Array.prototype.filter.call(
      document.querySelectorAll(".post-body a.timecode.clip[data-player-url]"),
      function (link) { return !link.closest("figure"); }
    );
  }

  function press(link) {
    queue.started = false;
    link.click(); // player.js loads or seeks, clips.js remembers where it stops
    watch(figureFor(link));
  }

  function advance(figure, seconds) {
    var link = queue.links[queue.index];
    if (figureFor(link) !== figure) return;
    var start = +link.getAttribute("data-start");
    var end = +link.getAttribute("data-end");
    // A time from before the seek must not count as this clip's end.
    if (seconds >= start - 1 && seconds < end - 0.5) queue.started = true;
    if (!queue.started || seconds < end - 0.5) return;
    queue.index += 1;
    if (queue.index < queue.links.length) press(queue.links[queue.index]);
    else stopQueue();
  }

  function stopQueue() {
    queue = null;
    if (playButton) {
      playButton.textContent = playButton.closerLabel;
      playButton.setAttribute("aria-pressed", "false");
    }
  }

  // --- The controls ------------------------------------------------------------------------

  function setFollowing(on) {
    following = on;
    document.documentElement.classList.toggle("watchalong-following", on);
    if (followButton) followButton.setAttribute("aria-pressed", on ? "true" : "false");
    var now = on && document.querySelector(".post-body ." + NOW + ":not(figure *)");
    if (now) scrollTo(now);
  }

  function scrollTo(block) {
    block.scrollIntoView({ block: "center", behavior: reduceMotion && reduceMotion.matches ? "auto" : "smooth" });
  }

  function button(className, label) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = label;
    element.setAttribute("aria-pressed", "false");
    return element;
  }

  function addControls() {
    var body = document.querySelector(".post-body");
    if (!body) return;
    var cited = Array.prototype.filter.call(
      body.querySelectorAll("a.timecode[data-player-url]"),
      function (link) { return !link.closest("figure"); }
    );
    if (!cited.length) return;
    var bar = document.createElement("div");
    bar.className = "watchalong";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Watch along");
    followButton = button("watchalong-follow", "Follow along");
    followButton.title = "Scroll the essay with the video";
    followButton.addEventListener("click", function () { setFollowing(!following); });
    bar.appendChild(followButton);
    var clips = clipsInText();
    if (clips.length) {
      var label = clips.length === 1 ? "Play the quoted moment" : "Play the " + clips.length + " quoted moments";
      playButton = button("watchalong-play", label);
      playButton.closerLabel = label;
      playButton.addEventListener("click", function () {
        if (queue) return stopQueue();
        queue = { links: clips, index: 0, started: false };
        playButton.textContent = "Stop the quoted moments";
        playButton.setAttribute("aria-pressed", "true");
        press(clips[0]);
      });
      bar.appendChild(playButton);
    }
    // Under the video the text quotes first, above its transcript; else atop the text.
    var first = figureFor(cited[0]);
    var caption = first && body.contains(first) && first.querySelector("figcaption .video-caption");
    if (caption) caption.after(bar);
    else body.insertBefore(bar, body.firstChild);
  }

  // A reader who scrolls takes the page back: following stops.
  ["wheel", "touchmove"].forEach(function (type) {
    window.addEventListener(type, function () { if (following) setFollowing(false); }, { passive: true });
  });
  window.addEventListener("keydown", function (event) {
    if (following && ["PageUp", "PageDown", "ArrowUp", "ArrowDown", "Home", "End", " "].indexOf(event.key) > -1 && !event.target.closest("button, input, textarea, select")) setFollowing(false);
  });

  // Capture phase: the figure is found before player.js swaps the facade for the player.
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("a.timecode[data-player-url], a.video-facade");
    if (!target) return;
    if (queue && event.isTrusted) stopQueue(); // the reader chose another moment
    watch(target.classList.contains("video-facade") ? target.closest("figure") : figureFor(target));
  }, true);

  window.addEventListener("message", function (event) {
    var data = event.data;
    var player = null;
    document.querySelectorAll("iframe.video-player").forEach(function (frame) {
      if (frame.contentWindow === event.source) player = frame;
    });
    if (!player) return;
    try {
      if (typeof data === "string") data = JSON.parse(data);
    } catch (error) {
      if (typeof data !== "string" || data.indexOf("event=") === -1) return;
      var params = new URLSearchParams(data);
      data = { event: params.get("event"), time: params.get("time") };
    }
    if (!data) return;
    var provider = providerOf(player);
    if (data.event === "ready") listen(player);
    else if (data.event === "timeupdate" && data.data && provider === "vimeo") timeAt(player, +data.data.seconds);
    else if (data.event === "timeupdate" && data.time != null && provider === "dailymotion") timeAt(player, +data.time);
    else if (data.event === "infoDelivery" && data.info && data.info.currentTime != null && provider === "youtube") timeAt(player, +data.info.currentTime);
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addControls);
  else addControls();
})();
