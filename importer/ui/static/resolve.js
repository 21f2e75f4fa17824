// The check screen: a red cell, clicked, becomes a box to correct it in; Enter saves and checks
// again, Escape gives the cell back. (By keyboard: "Correct D14" in the problems list.)
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var csrf = document.querySelector("input[name=csrf]");
  document.querySelectorAll("td[data-cell]").forEach(function (cell) {
    cell.addEventListener("click", function () {
      if (cell.querySelector("form")) { return; }
      var address = cell.getAttribute("data-cell");
      var old = cell.innerHTML;
      var form = document.createElement("form");
      form.method = "post";
      form.action = "/check/cell";
      form.className = "in-cell";
      form.setAttribute("data-busy", "Checking the rows again…");
      var token = document.createElement("input");
      token.type = "hidden"; token.name = "csrf"; token.value = csrf ? csrf.value : "";
      var where = document.createElement("input");
      where.type = "hidden"; where.name = "cell"; where.value = address;
      var box = document.createElement("input");
      box.name = "value"; box.value = cell.textContent.trim();
      box.setAttribute("aria-label", "New value for " + address);
      var save = document.createElement("button");
      save.type = "submit"; save.className = "secondary"; save.textContent = "Save";
      form.append(token, where, box, save);
      form.addEventListener("submit", function () { document.body.classList.add("working"); });
      box.addEventListener("keydown", function (e) {
        if (e.key === "Escape") { cell.innerHTML = old; cell.classList.remove("editing"); }
      });
      cell.textContent = "";
      cell.classList.add("editing");
      cell.appendChild(form);
      box.focus();
      box.select();
    });
  });
});
