/* The request form: tell the policy preview how many photos or videos are chosen (the files
   themselves are uploaded only when the request is submitted). */
(function () {
  "use strict";
  var files = document.getElementById("files");
  var count = document.getElementById("evidence_count");
  if (!files || !count) return;
  files.addEventListener("change", function () {
    count.value = String(files.files ? files.files.length : 0);
    count.dispatchEvent(new Event("change", { bubbles: true }));
  });
})();
