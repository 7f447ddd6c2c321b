"""Graph neighbours are made once per dataset version and URL, like documents."""

from __future__ import annotations

from medkg import graph as graph_module

from ..test_graph import ALS


def test_neighbours_are_made_once_per_version_and_url(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []
    real = graph_module.neighbours

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(graph_module, "neighbours", counting)
    first = client.get(f"/api/graph/neighbours/{ALS}")
    again = client.get(f"/api/graph/neighbours/{ALS}")
    assert first.status_code == again.status_code == 200
    assert first.mimetype == "application/json" and first.data == again.data
    assert first.get_json()["version"] and calls == [ALS]
    deeper = client.get(f"/api/graph/neighbours/{ALS}?depth=2")
    assert deeper.status_code == 200 and deeper.data != first.data and len(calls) == 2
