"""A crowd's first requests on a freshly started server: 32 at once, then one at a time."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ..conftest import Server

NAMED = "/api/queries/claims-about-entity?entity=MONDO:0004976"
OTHERS = ("/api/queries/negated-claims", "/api/queries/als-demyelinating-or-axonal")


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("fresh"))
    yield srv
    srv.stop()


def status(server: Server, path: str) -> tuple[int, str]:
    r = requests.get(server.url + path, headers={"Accept": "application/json"}, timeout=60)
    return r.status_code, r.text[:200]


def test_32_concurrent_first_named_queries_all_answer_and_later_ones_too(
    fresh_server: Server,
) -> None:
    with ThreadPoolExecutor(32) as pool:
        first = list(pool.map(lambda _: status(fresh_server, NAMED), range(32)))
    assert [code for code, _ in first] == [200] * 32, {text for code, text in first if code != 200}
    for path in (NAMED, *OTHERS):
        assert status(fresh_server, path)[0] == 200
