// Sends study heartbeats while the lesson is really being studied: the page is visible and
// the cadre has been active recently, or a video is playing. The server decides what counts;
// this script only reports. Kept tiny for slow phone connections.
(function () {
  "use strict";
  var article = document.querySelector("[data-heartbeat-url]");
  if (!article || !window.fetch) { return; }
  var url = article.getAttribute("data-heartbeat-url");
  var interval = parseInt(article.getAttribute("data-heartbeat-interval"), 10) * 1000;
  var required = parseInt(article.getAttribute("data-required-seconds"), 10) || 1;
  var i18n = window.JIANBING_I18N || {};
  var tab = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2);
  var video = article.querySelector("video[data-tracked-video]");
  var lastActivity = Date.now();
  var IDLE_AFTER = 60 * 1000;
  var label = article.querySelector("[data-study-label]");
  var bar = article.querySelector(".progress span");
  var otherTab = article.querySelector("[data-other-tab]");
  var done = false;

  ["pointerdown", "keydown", "scroll", "touchstart", "mousemove"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });

  if (video) {
    // Resume where this phone stopped (kept locally, as beats are 15 s apart), else at the
    // furthest point the server saw; a video watched to the end starts again.
    var key = "jianbing-video:" + url;
    var saved = NaN;
    try { saved = parseFloat(window.localStorage.getItem(key)); } catch (e) { /* storage off */ }
    var resume = saved >= 0 ? saved : (parseFloat(article.getAttribute("data-resume-position")) || 0);
    var ready = false;
    var seekToResume = function () {
      if (resume > 0 && resume < video.duration - 2) { video.currentTime = resume; }
      ready = true;
    };
    if (video.readyState >= 1) { seekToResume(); } else { video.addEventListener("loadedmetadata", seekToResume, { once: true }); }
    var remember = function () {
      if (!ready) { return; }
      try { window.localStorage.setItem(key, video.ended ? "0" : video.currentTime.toFixed(1)); } catch (e) { /* full */ }
    };
    var remembered = 0;
    video.addEventListener("timeupdate", function () {
      if (Math.abs(video.currentTime - remembered) >= 1) { remembered = video.currentTime; remember(); }
    });
    ["pause", "ended", "seeked"].forEach(function (name) { video.addEventListener(name, remember); });
    window.addEventListener("pagehide", remember);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function studying() {
    if (document.visibilityState !== "visible") { return false; }
    if (video && !video.paused && !video.ended) { return true; }
    return Date.now() - lastActivity < IDLE_AFTER;
  }

  function show(data) {
    if (!label || !data) { return; }
    if (data.lesson_complete) {
      label.textContent = i18n.complete || "";
      if (bar) { bar.style.width = "100%"; }
      done = true;
      return;
    }
    var minutes = Math.floor((data.credited_seconds || 0) / 60);
    label.textContent = (i18n.studied || "").replace("%(m)s", minutes).replace("%(total)s", i18n.total);
    if (bar) { bar.style.width = Math.min(100, Math.round(100 * data.credited_seconds / required)) + "%"; }
  }

  function beat() {
    if (!studying()) { return; }
    var body = { tab: tab };
    if (video && !isNaN(video.currentTime)) { body.position = video.currentTime; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (otherTab) { otherTab.hidden = response.status !== 409; }
      return response.ok || response.status === 409 ? response.json() : null;
    }).then(show).catch(function () { /* offline: the next beat starts a new session */ });
  }

  beat();
  window.setInterval(function () { if (!done || video) { beat(); } }, interval);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") { beat(); } });
})();
