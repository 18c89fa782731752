/* ReturnDesk staff pages: small enhancements; every page works without them. */
(function () {
  "use strict";

  // Insert a reply template (话术) into the message at the cursor, variables already filled in.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-insert-into]")) {
      var option = select.options[select.selectedIndex];
      var area = document.getElementById(select.getAttribute("data-insert-into"));
      if (!option || !option.value || !area) return;
      var text = option.getAttribute("data-text") || "";
      var start = area.selectionStart || 0;
      var end = area.selectionEnd || 0;
      var before = area.value.slice(0, start);
      var after = area.value.slice(end);
      var glue = before && !/\s$/.test(before) ? "\n" : "";
      area.value = before + glue + text + after;
      var caret = (before + glue + text).length;
      area.focus();
      area.setSelectionRange(caret, caret);
      select.selectedIndex = 0;
    }
    if (select.matches && select.matches("[data-autosubmit]")) {
      select.form.submit();
    }
  });

  // After htmx shows a form again with errors, move the focus to the first field in error.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.elt;
    var root = target && target.isConnected ? target : document;
    var invalid = root.querySelector("[aria-invalid='true']") || root.querySelector("[role='alert']");
    if (invalid) {
      if (!invalid.hasAttribute("tabindex") && invalid.getAttribute("role") === "alert") invalid.setAttribute("tabindex", "-1");
      invalid.focus();
    }
  });
})();
