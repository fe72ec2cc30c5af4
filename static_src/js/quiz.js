// Quiz page: autosaves each answer as it changes, shows the server's countdown, and in
// one-question-at-a-time mode pages through the questions. The server keeps the time and
// grades; this script only reports answers. Without it the form still submits everything.
(function () {
  "use strict";
  var root = document.querySelector(".quiz-attempt");
  if (!root) { return; }
  var form = root.querySelector("[data-quiz-form]");
  var url = root.getAttribute("data-autosave-url");
  var i18n = window.JIANBING_QUIZ_I18N || {};
  var saveState = root.querySelector("[data-save-state]");
  var answeredCount = root.querySelector("[data-answered-count]");
  var questions = Array.prototype.slice.call(root.querySelectorAll("fieldset.question"));
  var pending = {};
  var timers = {};
  var submitting = false;

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function valueOf(fieldset) {
    var kind = fieldset.getAttribute("data-kind");
    var id = fieldset.getAttribute("data-question");
    var inputs = form.querySelectorAll("[name='q-" + id + "']");
    if (kind === "multiple") {
      return Array.prototype.filter.call(inputs, function (i) { return i.checked; }).map(function (i) { return Number(i.value); });
    }
    if (kind === "single" || kind === "true_false") {
      var chosen = Array.prototype.filter.call(inputs, function (i) { return i.checked; })[0];
      if (!chosen) { return null; }
      return kind === "single" ? Number(chosen.value) : chosen.value === "true";
    }
    return inputs[0] ? inputs[0].value : "";
  }

  function isAnswered(value) {
    return !(value === null || value === "" || (Array.isArray(value) && value.length === 0));
  }

  function refreshCounts() {
    var count = 0;
    questions.forEach(function (fieldset, index) {
      var answered = isAnswered(valueOf(fieldset));
      if (answered) { count += 1; }
      var link = root.querySelector("[data-goto='" + index + "']");
      if (link) { link.classList.toggle("answered", answered); }
    });
    if (answeredCount) { answeredCount.textContent = count; }
  }

  function showState(text) { if (saveState) { saveState.textContent = text || ""; } }

  function showFeedback(fieldset, feedback) {
    if (!feedback) { return; }
    var box = fieldset.querySelector("[data-feedback]");
    var lines = [];
    if (feedback.outcome) { lines.push(feedback.outcome); }
    if (feedback.score !== null && feedback.score !== undefined) { lines.push(feedback.score); }
    if (feedback.right_text) { lines.push(feedback.right_text); }
    if (feedback.explanation) { lines.push(feedback.explanation); }
    (feedback.right_options || []).forEach(function (id) {
      var input = fieldset.querySelector("input[value='" + id + "']");
      if (input) { input.closest("li").classList.add("right"); }
    });
    box.textContent = lines.join(" · ");
    box.hidden = lines.length === 0;
    Array.prototype.forEach.call(fieldset.querySelectorAll("input, textarea"), function (i) {
      if (i.type !== "hidden") { i.disabled = true; }
    });
  }

  function send(id) {
    var payload = pending[id];
    if (!payload || !window.fetch) { return; }
    showState(i18n.saving);
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      if (pending[id] === payload) { delete pending[id]; }
      if (result.status === 409 && result.data.result_url) { window.location.href = result.data.result_url; return; }
      if (result.status === 200) {
        showState(i18n.saved);
        var fieldset = root.querySelector("fieldset[data-question='" + id + "']");
        if (fieldset) { showFeedback(fieldset, result.data.feedback); }
      } else {
        showState(result.data.error || "");
      }
    }).catch(function () {
      showState(i18n.offline);
      window.setTimeout(function () { send(id); }, 5000);
    });
  }

  function queue(fieldset, delay) {
    var id = fieldset.getAttribute("data-question");
    pending[id] = { question: Number(id), value: valueOf(fieldset), revision: Date.now() };
    refreshCounts();
    window.clearTimeout(timers[id]);
    timers[id] = window.setTimeout(function () { send(id); }, delay);
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (fieldset) { queue(fieldset, 0); }
  });
  form.addEventListener("input", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (fieldset && (event.target.tagName === "TEXTAREA" || event.target.type === "text")) { queue(fieldset, 1500); }
  });
  window.addEventListener("online", function () { Object.keys(pending).forEach(send); });

  form.addEventListener("submit", function (event) {
    var button = form.querySelector("[data-confirm]");
    if (!submitting && button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    submitting = true;
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) { b.disabled = true; });
  });

  // Countdown: the server sent the seconds left; count them down against this phone's clock
  // (never against its absolute time, which may be wrong), and hand in when they run out.
  var countdown = root.querySelector("[data-countdown]");
  var secondsLeft = parseInt(root.getAttribute("data-seconds-left"), 10);
  if (countdown && !isNaN(secondsLeft)) {
    var endsAt = Date.now() + secondsLeft * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60, h = Math.floor(m / 60);
      countdown.textContent = (h ? h + ":" + String(m % 60).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
      countdown.classList.toggle("urgent", left <= 60);
      if (left === 0 && !submitting) {
        submitting = true;
        showState(i18n.timeUp);
        form.submit();
      }
    };
    tick();
    window.setInterval(tick, 1000);
  }

  // One question at a time.
  if (root.getAttribute("data-mode") === "one_by_one" && questions.length > 1) {
    var nav = root.querySelector("[data-step-nav]");
    var map = root.querySelector("[data-question-map]");
    var label = root.querySelector("[data-step-label]");
    var current = 0;
    var show = function (index) {
      current = Math.max(0, Math.min(questions.length - 1, index));
      questions.forEach(function (q, i) { q.hidden = i !== current; });
      label.textContent = (i18n.step || "").replace("%(n)s", current + 1).replace("%(total)s", questions.length);
      nav.querySelector("[data-prev]").disabled = current === 0;
      nav.querySelector("[data-next]").disabled = current === questions.length - 1;
    };
    nav.hidden = false;
    map.hidden = false;
    nav.querySelector("[data-prev]").addEventListener("click", function () { show(current - 1); });
    nav.querySelector("[data-next]").addEventListener("click", function () { show(current + 1); });
    map.addEventListener("click", function (event) {
      var link = event.target.closest("[data-goto]");
      if (link) { event.preventDefault(); show(parseInt(link.getAttribute("data-goto"), 10)); }
    });
    show(0);
  }
  refreshCounts();
})();
