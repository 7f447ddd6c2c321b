"""The second wall by itself: even a SERVICE the outbound rule let through (as if the first wall
were bypassed) cannot connect from a query worker or a sandboxed thread."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.endpoint.execute import InlineExecutor
from medkg.endpoint.job import Job
from medkg.endpoint.pool import WorkerPool
from medkg.endpoint.sandbox import deny_network, run_sandboxed
from medkg.errors import MedkgError
from medkg.formats import by_name
from medkg.store.memory import MemoryStore
from medkg.store.oxigraph import OxigraphStore

from .loopback import Listener


def service_job(listener: Listener) -> Job:
    text = f"SELECT ?o WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    return Job(text, formats={"results": by_name("json")})


def settle(listener: Listener) -> int:
    time.sleep(0.3)  # a connection in flight is counted by then
    return listener.connections


def test_a_sandboxed_thread_cannot_open_a_network_socket_and_others_still_can() -> None:
    with Listener() as listener:
        with pytest.raises(PermissionError):
            run_sandboxed(socket.create_connection, ("127.0.0.1", listener.port), 5)
        with pytest.raises(PermissionError):
            run_sandboxed(socket.socket, socket.AF_INET6, socket.SOCK_STREAM)
        run_sandboxed(lambda: socket.socket(socket.AF_UNIX).close())  # pipes and local sockets
        assert settle(listener) == 0
        socket.create_connection(("127.0.0.1", listener.port), 5).close()  # this thread can
        assert settle(listener) == 1


def test_threads_a_sandboxed_thread_starts_inherit_the_filter() -> None:
    def start_a_thread() -> BaseException | None:
        caught: list[BaseException] = []

        def connect() -> None:
            try:
                socket.socket().close()
            except OSError as e:
                caught.append(e)

        t = threading.Thread(target=connect)
        t.start()
        t.join()
        return caught[0] if caught else None

    assert isinstance(run_sandboxed(start_a_thread), PermissionError)


def test_deny_network_forbids_inet_sockets_on_the_calling_thread_only() -> None:
    outcome: list[str] = []

    def body() -> None:
        deny_network()
        try:
            socket.socket()
            outcome.append("opened")
        except PermissionError:
            outcome.append("refused")

    t = threading.Thread(target=body)
    t.start()
    t.join()
    assert outcome == ["refused"]
    socket.socket().close()


@pytest.mark.parametrize("sandboxed", [True, False])
def test_a_query_worker_cannot_connect_even_when_the_rule_is_bypassed(
    tmp_path: Path, sandboxed: bool
) -> None:
    """Without the sandbox (the control case) the same job does reach the listener."""
    store = OxigraphStore(ox.Store(str(tmp_path / "store")), "oxigraph:store", tmp_path / "store")
    workers = WorkerPool(store, size=1, timeout=60, sandboxed=sandboxed)
    try:
        with Listener() as listener:
            if sandboxed:
                with pytest.raises(MedkgError, match="not permitted"):
                    workers.run(service_job(listener), "v1")
                assert settle(listener) == 0
            else:
                assert workers.run(service_job(listener), "v1").written.rows == 1
                assert settle(listener) >= 1
    finally:
        workers.close()
        store.close()


@pytest.mark.parametrize(
    "store",
    [OxigraphStore(ox.Store(), "oxigraph:"), MemoryStore()],
    ids=["oxigraph-in-memory", "rdflib-memory"],
)
def test_an_in_process_query_runs_where_it_cannot_connect(store: object) -> None:
    executor = InlineExecutor(store, sandboxed=True)  # type: ignore[arg-type]
    with Listener() as listener:
        with pytest.raises(Exception, match=r"not permitted|Errno 1"):
            executor.run(service_job(listener), None)
        assert settle(listener) == 0
        done = InlineExecutor(store).run(service_job(listener), None)  # type: ignore[arg-type]
        assert done.written.rows == 1 and settle(listener) >= 1
