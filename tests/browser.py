"""Headless Chromium on the built tutorial site, offline: the helper of every browser test.

Use the session fixture ``site_browser`` (tests/conftest.py), a :class:`SiteBrowser`::

    def test_my_page(site_browser):
        with site_browser.visit("my-page/", width=390) as visit:
            visit.page.click("text=Run")          # visit.page: a playwright Page
        assert visit.problems() == []             # blocked, failed, console errors

- :func:`build_site`: the site, built once per session with ``mkdocs build --strict``,
  served by an http server thread on 127.0.0.1.
- Debian's ``/usr/bin/chromium`` runs headless through playwright (no browser download).
  Every request to a host other than 127.0.0.1 is aborted and recorded in
  :attr:`Visit.blocked`; failed requests and HTTP errors go to :attr:`Visit.failed`,
  console errors and uncaught exceptions to :attr:`Visit.console_errors`. The lists keep
  filling while the ``with`` block interacts with the page.
- :meth:`SiteBrowser.pages` lists every page of the site; visits of one viewport size
  share a tab, so each file is fetched once per size (the HTTP cache).
- :func:`require_browser` skips, saying what to install, without chromium, playwright or
  the npm assets (``npm ci``); :func:`assets_hook` is tutorial/hooks/assets.py.
"""

from __future__ import annotations

import atexit
import functools
import http.server
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
HOST = "127.0.0.1"


@dataclass
class Visit:
    """One page opened in a fresh browser context, and what went wrong while it was open."""

    page: object  # playwright.sync_api.Page
    blocked: list[str] = field(default_factory=list)  # non-loopback URLs, aborted
    failed: list[str] = field(default_factory=list)  # "URL: reason" or "URL: HTTP 404"
    console_errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything above in one list, each item prefixed by its kind (empty: all good)."""
        return ([f"blocked {url}" for url in self.blocked]
                + [f"failed {item}" for item in self.failed]
                + [f"console {text}" for text in self.console_errors])


def require_browser() -> None:
    """Skip the calling test, saying what is missing, unless a browser test can run here."""
    if not CHROMIUM.is_file():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}: apt-get install chromium")
    pytest.importorskip("playwright", reason="browser tests need playwright: "
                                             "pip install -e '.[dev]'")
    missing = assets_hook().missing_assets()
    if missing:
        pytest.skip(f"browser tests need the site's npm assets ({len(missing)} files missing "
                    f"under node_modules, e.g. {missing[0]}): run `npm ci --ignore-scripts` in the "
                    "repository root")


@functools.cache
def build_site() -> Path:
    """The tutorial site, built once per session with ``mkdocs build --strict``; its folder."""
    pytest.importorskip("material", reason="building the site needs mkdocs-material: "
                                           "pip install -e '.[docs]'")
    site = Path(tempfile.mkdtemp(prefix="rnnlab-site-")) / "site"
    atexit.register(shutil.rmtree, site.parent, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stderr}")
    (site.parent / "build.log").write_text(result.stderr)  # mkdocs logs to stderr
    return site


class SiteBrowser:
    """The built site on a local http server, and one headless Chromium to open it with."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self._server = _QuietServer((HOST, 0), functools.partial(
            _QuietHandler, directory=str(site)))
        self.url = f"http://{HOST}:{self._server.server_port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._playwright = None
        self._browser = None
        self._tabs: dict[tuple[int, int], _Tab] = {}

    def __enter__(self) -> SiteBrowser:
        from playwright.sync_api import sync_playwright

        self._thread.start()
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._browser is not None:
            self._browser.close()
            self._playwright.stop()
        self._server.shutdown()
        self._server.server_close()

    def pages(self) -> list[str]:
        """Every HTML page of the site, as paths relative to its root (``01-rnn/``, ...)."""
        paths = sorted(p.relative_to(self.site).as_posix() for p in self.site.rglob("*.html"))
        return [p.removesuffix("index.html") for p in paths]

    @contextmanager
    def visit(self, path: str = "", width: int = 1280, height: int = 800) -> Iterator[Visit]:
        """Open ``path`` (relative to the site root) at ``width`` x ``height`` CSS pixels.

        Waits for the load event and the page's web fonts, then yields the :class:`Visit`.
        Visits of one size share a tab (and its HTTP cache: each file is fetched once).
        """
        size = (width, height)
        if size not in self._tabs:
            self._tabs[size] = _Tab(self._browser, width, height)
        tab = self._tabs[size]
        tab.page.goto("about:blank")  # ends the last visit's requests before this one counts
        tab.visit = Visit(tab.page)
        try:
            tab.page.goto(self.url + path, wait_until="load")
            tab.page.evaluate("document.fonts.ready.then(() => true)")
            yield tab.visit
        finally:
            tab.visit = None


class _Tab:
    """A browser tab that records what goes wrong into the visit in progress."""

    def __init__(self, browser, width: int, height: int) -> None:
        self.visit: Visit | None = None
        self.page = browser.new_context(viewport={"width": width, "height": height}).new_page()
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)
        self.page.on("console", self._console)
        self.page.on("pageerror", self._page_error)

    def _route(self, route) -> None:
        url = route.request.url
        if urlsplit(url).hostname == HOST or url.startswith(("about:", "data:", "blob:")):
            route.continue_()
            return
        if self.visit is not None:
            self.visit.blocked.append(url)
        route.abort("blockedbyclient")

    def _request_failed(self, request) -> None:
        if self.visit is None or request.url in self.visit.blocked:
            return
        if f"{request.url}: HTTP" not in " ".join(self.visit.failed):  # not counted twice
            self.visit.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response) -> None:
        if self.visit is not None and response.status >= 400:
            self.visit.failed.append(f"{response.url}: HTTP {response.status}")

    def _console(self, message) -> None:
        if self.visit is not None and message.type == "error":
            self.visit.console_errors.append(message.text)

    def _page_error(self, error) -> None:
        if self.visit is not None:
            self.visit.console_errors.append(str(error))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base's name)
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    """Serves without logging each request, or the browser closing a connection early."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@functools.cache
def assets_hook():
    """tutorial/hooks/assets.py, the mkdocs hook that knows which npm assets the site needs."""
    spec = importlib.util.spec_from_file_location(
        "rnnlab_site_assets", ROOT / "tutorial" / "hooks" / "assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
