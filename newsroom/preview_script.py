"""The script `serve` adds to every preview page: reload when the site is rebuilt, and show the
build's warnings in a bar at the foot of the page (the terminal is not where an editor looks).

The bar never blocks the page: it is fixed at the bottom, at most a third of the window
high, and its × dismisses it until a build brings warnings again (remembered per tab).
"""

from __future__ import annotations

import json

from .i18n import ntr
from .problems import WARNING, Problem

WARNINGS = "/__newsroom/warnings.json"

SCRIPT = b"""// Injected by `python build.py serve` only: reload this tab when the site is rebuilt,
// and show the build's warnings (never in the published site).
(function () {
  var source = new EventSource("/__newsroom/events");
  source.addEventListener("reload", function () { location.reload(); });
  var KEY = "newsroom-dismissed";
  function show(data) {
    if (!data.warnings.length || sessionStorage.getItem(KEY) === String(data.build)) return;
    var bar = document.createElement("aside");
    bar.id = "newsroom-warnings";
    bar.setAttribute("role", "status");
    bar.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:33vh;" +
      "overflow:auto;margin:0;padding:.5rem 3rem .5rem 1rem;background:#fff8e1;color:#3e2a00;" +
      "border-top:2px solid #f0a500;font:14px/1.5 system-ui,sans-serif;box-shadow:0 -2px 6px rgba(0,0,0,.15)";
    var title = document.createElement("strong");
    title.textContent = data.title;
    var list = document.createElement("ul");
    list.style.cssText = "margin:.25rem 0 0;padding-left:1.25rem";
    data.warnings.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\\u00d7";
    close.setAttribute("aria-label", data.close);
    close.style.cssText = "position:absolute;top:.25rem;right:.5rem;font:20px/1 system-ui;border:0;" +
      "background:none;cursor:pointer;color:inherit";
    close.addEventListener("click", function () {
      sessionStorage.setItem(KEY, String(data.build));
      bar.remove();
    });
    bar.append(title, list, close);
    document.body.appendChild(bar);
  }
  fetch("/__newsroom/warnings.json", {cache: "no-store"})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) { if (data) show(data); })
    .catch(function () {});
})();
"""


def warnings_json(problems: list[Problem], build: int, lang: str) -> bytes:
    """The warnings of the last build, as the bar shows them (in the archive's language)."""
    shown = sorted({p for p in problems if p.severity == WARNING})
    return json.dumps({
        "build": build,
        "title": ntr(lang, "This build has {n} warning (the page is shown anyway):",
                     "This build has {n} warnings (the page is shown anyway):", len(shown)),
        "close": ntr(lang, "Hide the warning", "Hide the warnings", len(shown)),
        "warnings": [p.text(lang) for p in shown],
    }, ensure_ascii=False).encode("utf-8")
