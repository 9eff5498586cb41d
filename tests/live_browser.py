"""A built site served on loopback, opened in headless Chromium with every other request
blocked; console errors, page errors and failed requests are collected.

(Used by test_live_page.py until the shared tests/browser.py helper lands.)
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = {"127.0.0.1", "localhost"}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chromium() -> Iterator:
    """Headless Debian Chromium driven by playwright (it downloads no browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def site_page(browser, site: Path) -> Iterator[tuple]:
    """(page, base URL, problems) for ``site`` served on loopback. ``problems`` lists
    uncaught page errors, console errors (other than the browser's own line for a failed
    resource) and loopback requests that failed or got an HTTP error. Requests elsewhere
    are aborted: the page must work offline."""
    problems: list[str] = []

    def local(url: str) -> bool:
        return urlparse(url).hostname in LOOPBACK

    def route(route) -> None:
        if local(route.request.url):
            route.continue_()
        else:
            route.abort()

    def console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    with serve(site) as url:
        page = browser.new_page()
        try:
            page.route("**/*", route)
            page.on("console", console)
            page.on("pageerror", lambda error: problems.append(f"{error}: {error.stack}"))
            page.on("requestfailed",
                    lambda r: local(r.url) and problems.append(f"failed {r.url}"))
            page.on("response", lambda r: local(r.url) and r.status >= 400
                    and problems.append(f"HTTP {r.status} {r.url}"))
            yield page, url, problems
        finally:
            page.close()
