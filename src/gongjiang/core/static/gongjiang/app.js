// Small behaviours htmx does not cover. No inline scripts anywhere: CSP stays strict.
(function () {
  "use strict";
  // <form data-confirm="..."> asks before submitting (archiving, revoking, resetting).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
  // <input type="checkbox" data-check-all="name"> ticks every checkbox of that name.
  document.addEventListener("change", function (event) {
    var box = event.target;
    var name = box.getAttribute && box.getAttribute("data-check-all");
    if (!name) { return; }
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (other) {
      other.checked = box.checked;
    });
  });
})();
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-print]");
    if (link) { event.preventDefault(); window.print(); }
  });
})();
