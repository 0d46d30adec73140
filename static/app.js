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
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
