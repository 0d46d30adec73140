// shopcounter: a few conveniences. Nothing here is needed for correctness.
(function () {
  "use strict";
  // A submit button disables itself on click, showing data-busy text ("Placing order…").
  // The server refuses a second submission anyway (submit-once tokens); this just spares the click.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement)) return;
    var btn = ev.submitter || form.querySelector("button[type=submit]");
    if (!btn || !btn.dataset.busy) return;
    if (form.dataset.submitted === "1") { ev.preventDefault(); return; }
    form.dataset.submitted = "1";
    // Disable after the browser has collected the form data (the button's own value is kept).
    setTimeout(function () { btn.disabled = true; btn.textContent = btn.dataset.busy; }, 0);
  });
  // Pages restored from the back/forward cache get their buttons back.
  window.addEventListener("pageshow", function (ev) {
    if (!ev.persisted) return;
    document.querySelectorAll("form[data-submitted]").forEach(function (f) {
      delete f.dataset.submitted;
      f.querySelectorAll("button[disabled]").forEach(function (b) { b.disabled = false; });
    });
  });
  // Counter: keep the code input focused so a scanner's keystrokes always land in it.
  var input = document.querySelector("[data-counter-input]");
  if (input) {
    input.focus();
    // After a wrong entry the text stays for checking, selected so the next scan replaces it.
    if (input.value) input.select();
    document.addEventListener("keydown", function (ev) {
      var t = ev.target;
      if (t === input || (t && /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName))) return;
      if (ev.key && ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) input.focus();
    });
  }
  // Counter: optional camera scan where the browser has BarcodeDetector.
  var scanBtn = document.querySelector("[data-camera-scan]");
  if (scanBtn && input && "BarcodeDetector" in window && navigator.mediaDevices) {
    scanBtn.hidden = false;
    scanBtn.addEventListener("click", function () {
      var video = document.createElement("video");
      video.setAttribute("playsinline", "");
      video.className = "camera";
      scanBtn.after(video);
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.play();
        var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.remove(); };
        var tick = function () {
          detector.detect(video).then(function (codes) {
            if (codes.length) { stop(); input.value = codes[0].rawValue; input.form.submit(); }
            else requestAnimationFrame(tick);
          }).catch(function () { requestAnimationFrame(tick); });
        };
        tick();
      }).catch(function () { video.remove(); });
    });
  }
  // Order page: "Print pickup slip" prints the page; the print stylesheet leaves only the slip.
  // (Delegated: the live part of the page is replaced when the order changes.)
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t instanceof Element && t.closest("[data-print]")) window.print();
  });

  // Live parts (SPEC §14). An element with data-live="URL" and data-live-version="V" asks
  // URL?v=V every few seconds; the server reads the database and answers 204 while nothing has
  // changed, or the part again, which replaces the element. Without this script the page is
  // simply reloaded by hand. A part holding the focus is left alone, and the counter's code
  // input is never inside one, so updates never take the focus away.
  var LIVE_MS = 3000;
  function refresh(el, force) {
    if (el.dataset.liveBusy) return;
    var active = document.activeElement;
    if (!force && active && active !== document.body && el.contains(active)) return;
    el.dataset.liveBusy = "1";
    var url = el.dataset.live;
    if (!force) url += (url.indexOf("?") < 0 ? "?" : "&") + "v=" + encodeURIComponent(el.dataset.liveVersion || "");
    fetch(url, { credentials: "same-origin", redirect: "error", cache: "no-store" })
      .then(function (res) {
        if (res.status !== 200 || res.headers.get("x-live") !== "1") return null;
        return res.text();
      })
      .then(function (html) {
        delete el.dataset.liveBusy;
        if (html == null || !el.isConnected) return;
        var tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        var fresh = tpl.content.firstElementChild;
        if (!fresh) return;
        el.replaceWith(fresh);
        var label = fresh.querySelector("[data-status-label]");
        var say = document.querySelector("[data-live-announce]");
        if (label && say) say.textContent = label.textContent;
        startCountdowns();
      })
      .catch(function () { delete el.dataset.liveBusy; });
  }
  function refreshAll() {
    if (document.hidden) return;
    document.querySelectorAll("[data-live]").forEach(function (el) { refresh(el, false); });
  }
  if (window.fetch && document.querySelector("[data-live]")) {
    setInterval(refreshAll, LIVE_MS);
    document.addEventListener("visibilitychange", refreshAll);
  }

  // Order page: the time left to pay counts down; at zero the live part is fetched again.
  function startCountdowns() {
    document.querySelectorAll("[data-seconds-left]").forEach(function (el) {
      if (el.dataset.counting) return;
      el.dataset.counting = "1";
      var end = Date.now() + parseInt(el.dataset.secondsLeft, 10) * 1000;
      var timer = setInterval(function () {
        if (!el.isConnected) { clearInterval(timer); return; }
        var s = Math.max(0, Math.round((end - Date.now()) / 1000));
        // The words come from the page (the catalog's pattern, with MM and SS for the numbers).
        var long = el.dataset.formatLong || "MM min SS s", short = el.dataset.formatShort || "SS s";
        el.textContent = (s >= 60 ? long.replace("MM", Math.floor(s / 60)) : short).replace("SS", s % 60);
        if (s === 0) {
          clearInterval(timer);
          var live = el.closest("[data-live]");
          if (live) setTimeout(function () { refresh(live, true); }, 1000);
        }
      }, 1000);
    });
  }
  startCountdowns();

  // Counter: a short tone for a match and a lower, longer one for a refusal, so the clerk need
  // not look up from the bag. Muted with the button; remembered in this browser.
  var toneBtn = document.querySelector("[data-tone-toggle]");
  var muted = false;
  try { muted = localStorage.getItem("shopcounter.muted") === "1"; } catch (e) { /* private mode */ }
  function showMuted() {
    if (!toneBtn) return;
    toneBtn.setAttribute("aria-pressed", muted ? "true" : "false");
    toneBtn.textContent = muted ? toneBtn.dataset.offLabel : toneBtn.dataset.onLabel;
  }
  if (toneBtn) {
    toneBtn.hidden = false;
    showMuted();
    toneBtn.addEventListener("click", function () {
      muted = !muted;
      try { localStorage.setItem("shopcounter.muted", muted ? "1" : "0"); } catch (e) { /* ignore */ }
      showMuted();
      if (input) input.focus();
    });
  }
  var toneFor = document.querySelector("[data-tone]");
  if (toneFor) {
    var kind = toneFor.dataset.tone;
    document.documentElement.dataset.tonePlayed = muted ? "muted" : kind;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!muted && Ctx) {
      try {
        var ac = new Ctx();
        var notes = kind === "success" ? [[880, 0, 0.09], [1320, 0.1, 0.12]] : [[220, 0, 0.35]];
        notes.forEach(function (n) {
          var osc = ac.createOscillator();
          var gain = ac.createGain();
          osc.type = kind === "success" ? "sine" : "square";
          osc.frequency.value = n[0];
          gain.gain.setValueAtTime(0.0001, ac.currentTime + n[1]);
          gain.gain.exponentialRampToValueAtTime(0.25, ac.currentTime + n[1] + 0.01);
          gain.gain.exponentialRampToValueAtTime(0.0001, ac.currentTime + n[1] + n[2]);
          osc.connect(gain).connect(ac.destination);
          osc.start(ac.currentTime + n[1]);
          osc.stop(ac.currentTime + n[1] + n[2] + 0.02);
        });
        if (ac.state === "suspended") ac.resume();
      } catch (e) { /* no sound: the screen says it all */ }
    }
  }
})();
