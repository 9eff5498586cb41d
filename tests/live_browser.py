"""Headless Chromium on a built site, offline (loopback only), for the live page's tests
and benchmark.

A stand-in with the interface of the shared helper tests/browser.py (``SiteBrowser``,
``SiteBrowser.visit``, ``Visit.problems``) until that lands on main; then this file goes
and its users import from ``browser`` instead.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

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


class SiteBrowser:
    """``site`` on a local http server, and one headless Chromium to open it with."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self._server = http.server.ThreadingHTTPServer(
            (HOST, 0), functools.partial(_QuietHandler, directory=str(site)))
        self.url = f"http://{HOST}:{self._server.server_port}/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SiteBrowser:
        from playwright.sync_api import sync_playwright

        self._thread.start()
        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=str(CHROMIUM))
        return self

    def __exit__(self, *exc_info) -> None:
        self._browser.close()
        self._playwright.stop()
        self._server.shutdown()
        self._server.server_close()

    @contextmanager
    def visit(self, path: str = "", width: int = 1280, height: int = 800) -> Iterator[Visit]:
        """Open ``path`` (relative to the site root) in a fresh context; yield the Visit."""
        context = self._browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        visit = Visit(page)

        def route(route) -> None:
            if urlsplit(route.request.url).hostname == HOST:
                route.continue_()
            else:
                visit.blocked.append(route.request.url)
                route.abort("blockedbyclient")

        page.route("**/*", route)
        page.on("requestfailed", lambda request: request.url not in visit.blocked
                and visit.failed.append(f"{request.url}: {request.failure}"))
        page.on("response", lambda response: response.status >= 400
                and visit.failed.append(f"{response.url}: HTTP {response.status}"))
        page.on("console", lambda message: message.type == "error"
                and visit.console_errors.append(message.text))
        page.on("pageerror", lambda error: visit.console_errors.append(str(error)))
        try:
            page.goto(self.url + path, wait_until="load")
            yield visit
        finally:
            context.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base's name)
        pass
