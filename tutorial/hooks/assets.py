"""mkdocs hook: copy the browser assets the site needs from ``node_modules`` into it.

The JavaScript dependencies are pinned in ``package.json`` / ``package-lock.json`` and
installed with ``npm ci``; they are never committed. After the build this hook copies
only the files the pages use (``ASSETS``: source under node_modules -> path in the site).
Without ``npm ci`` the build still passes: it logs one line saying how to get them, and
the pages that need them say so themselves.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"

# KaTeX's fonts, woff2 only: every browser KaTeX supports reads it, so the woff/ttf
# fallbacks that katex.min.css also names are never requested (they would add 0.9 MB).
KATEX_FONTS = [f"KaTeX_{face}.woff2" for face in (
    "AMS-Regular", "Caligraphic-Bold", "Caligraphic-Regular", "Fraktur-Bold",
    "Fraktur-Regular", "Main-Bold", "Main-BoldItalic", "Main-Italic", "Main-Regular",
    "Math-BoldItalic", "Math-Italic", "SansSerif-Bold", "SansSerif-Italic",
    "SansSerif-Regular", "Script-Regular", "Size1-Regular", "Size2-Regular",
    "Size3-Regular", "Size4-Regular", "Typewriter-Regular")]

# source (relative to node_modules) -> destination (relative to the built site).
# A folder is copied whole.
ASSETS: dict[str, str] = {
    # Maths (mkdocs.yml: extra_javascript, extra_css; tutorial/javascripts/katex-init.js).
    "katex/dist/katex.min.js": "vendor/katex/katex.min.js",
    "katex/dist/katex.min.css": "vendor/katex/katex.min.css",
    "katex/LICENSE": "vendor/katex/LICENSE.txt",
    **{f"katex/dist/fonts/{font}": f"vendor/katex/fonts/{font}" for font in KATEX_FONTS},
    # The live page (try-it.md): onnxruntime-web's wasm build with its loader bundled in
    # (no other .mjs is fetched), and uPlot.
    "onnxruntime-web/dist/ort.wasm.bundle.min.mjs":
        "vendor/onnxruntime-web/ort.wasm.bundle.min.mjs",
    "onnxruntime-web/dist/ort-wasm-simd-threaded.wasm":
        "vendor/onnxruntime-web/ort-wasm-simd-threaded.wasm",
    "uplot/dist/uPlot.esm.js": "vendor/uplot/uPlot.esm.js",
    "uplot/dist/uPlot.min.css": "vendor/uplot/uPlot.min.css",
}

log = logging.getLogger("mkdocs.hooks.assets")


def missing_assets() -> list[str]:
    """The sources in ``ASSETS`` that ``npm ci`` has not installed."""
    return [source for source in ASSETS if not (NODE_MODULES / source).exists()]


def on_config(config, **kwargs):
    """Drop the ``extra_javascript``/``extra_css`` entries whose asset is not installed.

    Without ``npm ci`` the pages then link nothing that is missing (no 404s), and the
    maths stays readable as TeX.
    """
    absent = {ASSETS[source] for source in missing_assets()}
    config["extra_javascript"] = [
        script for script in config["extra_javascript"] if str(script) not in absent]
    config["extra_css"] = [sheet for sheet in config["extra_css"] if sheet not in absent]
    return config


def on_post_build(config, **kwargs) -> None:
    site = Path(config["site_dir"])
    missing = missing_assets()
    if missing:
        # info, not warning: `mkdocs build --strict` must pass without the JS assets.
        log.info("browser assets missing (%s): run `npm ci`, then build again",
                 ", ".join(missing))
    for source, destination in ASSETS.items():
        if source in missing:
            continue
        origin, target = NODE_MODULES / source, site / destination
        target.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, target, dirs_exist_ok=True)
        else:
            shutil.copy2(origin, target)
