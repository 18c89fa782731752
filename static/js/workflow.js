/* Draws the process diagram from the Mermaid text the server wrote (vendored mermaid, no CDN). */
(function () {
  "use strict";
  function draw() {
    if (!window.mermaid) return;
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: "neutral",
      fontFamily: '"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif',
      state: { useMaxWidth: true }
    });
    window.mermaid.run({ querySelector: "pre.mermaid" }).then(function () {
      document.documentElement.setAttribute("data-diagram-ready", "true");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
