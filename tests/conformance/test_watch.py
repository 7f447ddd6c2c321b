"""``medkg serve --watch`` on 127.0.0.1 over a copy of the project: edits under a running server."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from ..conftest import Server
from ..validate.conftest import COUNT_CLAIMS, NEW_CLAIM, Project

ASK_NEW = (
    "ASK { <http://purl.obolibrary.org/obo/MONDO_0005301> "
    "<http://purl.obolibrary.org/obo/RO_0002200> <http://purl.obolibrary.org/obo/HP_0040078> }"
)


def sparql(url: str, query: str) -> requests.Response:
    return requests.get(
        url + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )


def claim_count(url: str) -> int:
    r = sparql(url, COUNT_CLAIMS)
    r.raise_for_status()
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def asks(url: str) -> bool:
    r = sparql(url, ASK_NEW)
    r.raise_for_status()
    return bool(r.json()["boolean"])


def watch_status(url: str) -> dict[str, object]:
    status = requests.get(url + "/health", timeout=10).json()["watch"]
    assert isinstance(status, dict)
    return status


def wait_for(what: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the server to reload")


class Hammer:
    """Count claims over and over from another thread; remember every answer and failure."""

    def __init__(self, url: str):
        self.url = url
        self.counts: list[int] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set() and len(self.counts) + len(self.failures) < 5000:
            try:
                self.counts.append(claim_count(self.url))
            except (requests.RequestException, KeyError, ValueError) as e:
                self.failures.append(repr(e))
            time.sleep(0.01)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=20)


@pytest.mark.server
def test_valid_edit_is_served_broken_edit_is_reported_and_queries_never_fail(
    tmp_path: Path,
) -> None:
    project = Project(tmp_path / "project")
    srv = Server(tmp_path, env={"MEDKG_ROOT": str(project.root), "MEDKG_WATCH": "1"})
    hammer = None
    try:
        assert watch_status(srv.url)["status"] == "watching"
        assert not asks(srv.url)
        before = claim_count(srv.url)
        hammer = Hammer(srv.url)

        project.add_claim(NEW_CLAIM)
        wait_for(lambda: asks(srv.url))
        assert claim_count(srv.url) == before + 1
        # the new graph is served from the swap on; the reload reports "ok" once the side
        # index (summaries, first pages) for it is written too
        wait_for(lambda: watch_status(srv.url)["status"] == "ok")
        assert watch_status(srv.url)["reloads"] == 1

        line = project.add_claim("- id: broken\n  subject: [MONDO:0004976\n")
        wait_for(lambda: watch_status(srv.url)["status"] == "broken")
        status = watch_status(srv.url)
        report = status["report"]
        assert isinstance(report, dict)
        [problem] = report["problems"]
        assert problem["severity"] == "error"
        assert problem["where"]["path"] == str(project.claims)
        assert problem["where"]["line"] in (line + 1, line + 2)
        assert asks(srv.url), "the last good graph keeps serving"
        assert claim_count(srv.url) == before + 1

        hammer.stop()
        assert hammer.failures == []
        assert len(hammer.counts) > 10
        assert set(hammer.counts) <= {before, before + 1}, "no half-built graph is ever seen"
    finally:
        if hammer is not None:
            hammer.stop()
        srv.stop()
    assert "edit not loaded" in (tmp_path / "server.log").read_text()
