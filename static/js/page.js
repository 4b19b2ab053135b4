/* Behaviour every page shares, bound from data attributes so no template needs an inline script or handler
 * (the Content Security Policy allows scripts from this site only):
 *   <select data-autosubmit>                    submits its form when changed
 *   <select data-autosubmit data-clear="name">  empties the form's field `name` first
 *   <button data-print>                         prints the page */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.hasAttribute || !field.hasAttribute("data-autosubmit") || !field.form) { return; }
    var clear = field.getAttribute("data-clear");
    if (clear && field.form.elements[clear]) { field.form.elements[clear].value = ""; }
    field.form.submit();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });
})();
