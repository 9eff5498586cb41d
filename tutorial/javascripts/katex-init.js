// Typeset the maths of every page with KaTeX, which the site ships in vendor/katex/ (no network).
// pymdownx.arithmatex (generic mode) leaves each formula as TeX in an element of class
// "arithmatex": <span>\( ... \)</span> inline, <div>\[ ... \]</div> displayed.
// Without KaTeX (a build without `npm ci`) the formulas stay readable as TeX.
(function () {
  "use strict";

  var DELIMITED = /^\\[([]([\s\S]*)\\[)\]]$/;

  function typeset(root) {
    if (typeof katex === "undefined") {
      return;
    }
    root.querySelectorAll(".arithmatex").forEach(function (element) {
      var tex = element.textContent.trim();
      var inner = DELIMITED.exec(tex);
      try {
        katex.render(inner ? inner[1] : tex, element, {
          displayMode: element.tagName === "DIV",
          throwOnError: true,
        });
      } catch (error) {
        // Left as TeX, and logged so that the browser tests fail on it.
        console.error("KaTeX could not typeset " + tex + ": " + error.message);
      }
    });
  }

  // Material's document$ emits on every page load, instant navigation included.
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { typeset(document.body); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { typeset(document.body); });
  }
})();
