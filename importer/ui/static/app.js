// A little plain JavaScript: everything works without it except drag-and-drop and live progress.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Drag a file onto the box: it becomes the file input's choice.
  var drop = document.getElementById("drop");
  var input = document.getElementById("agenda");
  if (drop && input) {
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
    });
  }
  // "Skip invalid rows" unlocks the import button.
  document.querySelectorAll("[data-enables]").forEach(function (box) {
    var button = document.getElementById(box.getAttribute("data-enables"));
    var sync = function () { button.disabled = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  });
  // Choosing another sheet reads it at once.
  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      var button = select.form.querySelector("button[value='" + select.getAttribute("data-autosubmit") + "']");
      if (button) { button.click(); }
    });
  });
  // A step that can take seconds says so while it works (and is not sent twice).
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var status = form.querySelector(".busy");
      if (!status) {
        status = document.createElement("p");
        status.className = "busy";
        status.setAttribute("role", "status");
        form.appendChild(status);
      }
      status.textContent = form.getAttribute("data-busy");
      form.setAttribute("aria-busy", "true");
      document.body.classList.add("working");
    });
  });
  // A session on the timeline, focused or tapped, shows its details right under its day's
  // picture (the box moves there), not only in a hover tooltip.
  var details = document.getElementById("slot-details");
  if (details) {
    var show = function (e) {
      var box = e.target.closest && e.target.closest("g.slot, g.band");
      var title = box && box.querySelector("title");
      if (!title) { return; }
      var day = box.closest("div.timeline");
      if (day && details.previousElementSibling !== day) { day.after(details); }
      details.textContent = title.textContent.split("\n").join(" · ");
      details.classList.add("shown");
    };
    document.addEventListener("focusin", show);
    document.addEventListener("click", show);
    // Enter or Space on a focused session, as on a button.
    document.addEventListener("keydown", function (e) {
      if ((e.key === "Enter" || e.key === " ") && e.target.closest && e.target.closest("g.slot, g.band")) {
        e.preventDefault();
        show(e);
      }
    });
  }
  // Live progress: poll the run's counts; reload for the summary when it is over.
  var running = document.getElementById("running");
  if (running) {
    var bar = document.getElementById("bar");
    var text = document.getElementById("progress-text");
    var poll = function () {
      fetch(running.getAttribute("data-status-url"), { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.total !== null && s.total !== undefined) { bar.max = Math.max(s.total, 1); }
          bar.value = s.done;
          var parts = Object.keys(s.counts || {}).sort().map(function (k) { return s.counts[k] + " " + k; });
          text.textContent = s.done + " of " + (s.total === null ? "…" : s.total) + " done" +
            (parts.length ? " (" + parts.join(", ") + ")." : ".");
          if (s.state === "running") { setTimeout(poll, 250); } else { window.location.reload(); }
        })
        .catch(function () { setTimeout(poll, 1000); });
    };
    poll();
  }
});
