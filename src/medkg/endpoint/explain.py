"""Oxigraph's own reading of a query's SERVICE targets: the plan the ``oxigraph`` command explains.

pyoxigraph exposes no algebra, but the ``oxigraph`` command of the same version (a dependency;
see ``store/bulkload.py``) writes the plan of a query with ``--explain-file``: every SERVICE the
engine would call is a ``Service(<IRI>)`` or ``Service(?var)`` node, with prefixes, BASE, escapes
and comments resolved by the parser that evaluates the query. The command runs over an empty
throw-away store with an unknown results format, so it plans the query and stops before writing
any result; an ASK is evaluated while planning, on the empty store. Callers run it on a sandboxed
thread (``sandbox.run_sandboxed``): the process inherits the thread's filter and cannot connect.

Cost: about 0.2 s a query (the command opens RocksDB, which starts its thread pools; measured by
``bench/outbound.py`` on a busy 2-core machine), paid only by text that mentions SERVICE, and
once per distinct text: the last ``CACHED`` readings are kept.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from medkg.errors import QueryTimeout, StoreError
from medkg.store.bulkload import oxigraph_command

PLAN_TIMEOUT = 10.0  # seconds; planning is instant, an ASK on an empty store nearly so
CACHED = 128  # distinct query texts whose reading is kept
NO_FORMAT = "medkg-plan-only"  # an unknown results format: the command stops after planning
_SERVICE = re.compile(r"Service\((?:<([^>]*)>|\?([^\s,)]+))(?:, Silent)?\)")
_SYNTAX = re.compile(r"^Error: error at \d+:\d+", re.MULTILINE)

_empty: Path | None = None
_empty_lock = threading.Lock()


@functools.lru_cache(maxsize=CACHED)
def oxigraph_services(text: str) -> tuple[str, ...] | None:
    """The SERVICE targets in Oxigraph's plan of ``text`` (``?name`` for a variable), or None
    when Oxigraph does not parse it (the engine will then refuse it with its syntax error)."""
    command = oxigraph_command()
    if command is None:
        raise StoreError(
            "the `oxigraph` command (of pyoxigraph's version) is not installed, so the "
            "SERVICE targets of this query cannot be read as the engine reads them",
            hint="install the oxigraph package at pyoxigraph's version (a medkg dependency)",
        )
    with tempfile.TemporaryDirectory(prefix="medkg-plan-") as tmp:
        plan_file = Path(tmp) / "plan.json"
        argv = [command, "query", "--location", str(_empty_store()),
                "--results-format", NO_FORMAT, "--explain-file", str(plan_file)]  # fmt: skip
        try:
            done = subprocess.run(
                argv, input=text.encode(), capture_output=True, timeout=PLAN_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise QueryTimeout(
                f"reading the query's SERVICE targets took over {PLAN_TIMEOUT:g} s",
                hint="simplify the query",
            ) from None
        if not plan_file.exists():
            stderr = done.stderr.decode(errors="replace")
            if _SYNTAX.search(stderr):
                return None
            raise StoreError(
                f"`oxigraph query` could not plan the query: {stderr.splitlines()[:1]}",
                hint="the server cannot tell which hosts the query would reach; report it",
            )
        plan = json.loads(plan_file.read_text())
    return tuple(_services(plan.get("plan", {})))


def _services(node: dict[str, Any]) -> Iterator[str]:
    name = str(node.get("name", ""))
    if name.startswith("Service("):
        found = _SERVICE.fullmatch(name)
        if found is None:
            yield "?"  # a shape this code does not know: unknown, so refused
        else:
            yield found.group(1) if found.group(1) is not None else "?" + found.group(2)
    for child in node.get("children", []):
        yield from _services(child)


def _empty_store() -> Path:
    """An empty on-disk store for the command to plan against (it only ever opens it
    read-only), shared by this user's processes so that none leaves one behind."""
    global _empty
    with _empty_lock:
        if _empty is None or not (_empty / "CURRENT").exists():
            shared = (
                Path(tempfile.gettempdir()) / f"medkg-empty-store-{ox.__version__}-{os.getuid()}"
            )
            if not _is_ours(shared):
                made = Path(tempfile.mkdtemp(prefix="medkg-empty-store-"))
                store = ox.Store(str(made))
                store.flush()
                del store
                gc.collect()  # close it before the command opens it
                try:
                    made.rename(shared)  # atomic; another process may have won the race
                except OSError:
                    shutil.rmtree(made, ignore_errors=True)
            _empty = shared if _is_ours(shared) else None
            if _empty is None:
                raise StoreError(
                    f"{shared} is not an Oxigraph store of this user",
                    hint="remove it; medkg makes it again",
                )
        return _empty


def _is_ours(path: Path) -> bool:
    try:
        return path.stat().st_uid == os.getuid() and (path / "CURRENT").is_file()
    except OSError:
        return False
