"""Drive Debian's Chromium headless (Playwright, system browser) against a real medkg server.

Every test gets a fresh page that records console errors, uncaught exceptions and any request
to a host other than the server (medkg must work with no internet); ``Visit.check()`` asserts
none happened, and ``Visit.shot()`` saves a screenshot under artifacts/browser/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("MEDKG_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "artifacts" / "browser"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One browser for the session, with a fresh profile (user data dir)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(20_000)
        yield context
        context.close()


class Visit:
    """A page of the browser, and what went wrong on it."""

    def __init__(self, page: Any, server: Any):
        self.page = page
        self.server = server
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.route("**/*", self._route)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _route(self, route: Any) -> None:
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, path: str) -> Any:
        response = self.page.goto(self.server.url + path, wait_until="load")
        assert response is not None and response.status == 200, f"GET {path}: {response}"
        return response

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check(self) -> None:
        assert self.errors == [], "errors in the browser console"
        assert self.outside == [], "requests to hosts other than medkg"


@pytest.fixture
def visit(chromium: Any, server: Any) -> Iterator[Visit]:
    page = chromium.new_page()
    yield Visit(page, server)
    page.close()


@pytest.fixture
def phone(chromium: Any, server: Any) -> Iterator[Visit]:
    """A narrow, touch-sized page: 390 x 844 CSS pixels."""
    page = chromium.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    yield Visit(page, server)
    page.close()
