"""A running server and ``medkg build`` beside it: the file the server leaves beside its store,
and the client that asks it to build.

A server is the only writer of its store (it holds the store's lock). On start it writes
``PATH.server.json`` beside its store ``oxigraph:PATH``: its process id, where it listens and
a secret new at every start, readable by its user only (mode 0600). ``medkg build`` finds the
file, checks that the process named there is the one holding the store's lock (a file a killed
server left is ignored), and asks that server on the loopback interface to build
(``POST /api/builds``, ``web/control.py``), then waits for the report.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medkg.config import Settings
from medkg.errors import StoreError
from medkg.store.diagnose import lock_holder

SUFFIX = ".server.json"
#: seconds one request to the server may take (a build is polled, not waited for in one)
REQUEST_TIMEOUT = 60.0


def store_path(settings: Settings) -> Path | None:
    """The folder of an on-disk ``oxigraph:PATH`` store, or None for any other store."""
    scheme, _, rest = settings.store.partition(":")
    if scheme != "oxigraph" or not rest:
        return None
    path = Path(rest)
    return path if path.is_absolute() else settings.root_path / path


def server_file(store: Path) -> Path:
    return store.with_name(store.name + SUFFIX)


def announce(store: Path, host: str, port: int, secret: str) -> Path:
    """Write the server file for this process (atomically, mode 0600); return its path."""
    file = server_file(store)
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)  # whatever the umask or an older file said
        json.dump({"pid": os.getpid(), "host": host, "port": int(port), "secret": secret}, out)
    os.replace(tmp, file)
    return file


def withdraw(file: Path) -> None:
    """Remove the server file if it still names this process."""
    try:
        if json.loads(file.read_text(encoding="utf-8")).get("pid") == os.getpid():
            file.unlink()
    except (OSError, ValueError, AttributeError):
        pass


@dataclass(frozen=True)
class RunningServer:
    """A server holding a store, as its server file describes it."""

    pid: int
    host: str
    port: int
    secret: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def find_server(settings: Settings) -> RunningServer | None:
    """The server holding the settings' store, if one does and left its file beside it."""
    store = store_path(settings)
    if store is None:
        return None
    try:
        info = json.loads(server_file(store).read_text(encoding="utf-8"))
        pid, host, port, secret = info["pid"], info["host"], info["port"], info["secret"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (isinstance(pid, int) and isinstance(port, int) and isinstance(secret, str)):
        return None
    if lock_holder(store / "LOCK") != pid:
        return None  # left by a server that is gone
    return RunningServer(pid, loopback(str(host), pid), port, secret)


def loopback(host: str, pid: int) -> str:
    """The address to reach a server listening on ``host`` from this machine's loopback."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host  # a name such as localhost
    if address.is_unspecified:
        return "::1" if address.version == 6 else "127.0.0.1"
    if address.is_loopback:
        return host
    raise StoreError(
        f"the server holding the store (process {pid}) listens on {host} only, and takes "
        "builds only from this machine's loopback interface",
        hint=f"stop it (kill {pid}) and build, or serve with --host 127.0.0.1 or 0.0.0.0",
    )


def build_through(
    server: RunningServer,
    root: Path,
    bulk: bool,
    nquads: Path | None,
    seen: Callable[[dict[str, Any]], None] | None = None,
    poll: float = 0.5,
) -> dict[str, Any]:
    """Ask the server to build and wait for it; the finished build (``web/builds.py``).
    ``seen`` is called with the build as each poll finds it (its ``progress``)."""
    body = {"root": str(root.resolve()), "bulk": bulk}
    if nquads is not None:
        body["nquads"] = str(nquads.resolve())
    job = ask(server, "POST", "/api/builds", body)
    while job.get("state") not in ("done", "failed"):
        time.sleep(poll)
        job = ask(server, "GET", f"/api/builds/{job['id']}")
        if seen is not None:
            seen(job)
    return job


def ask(server: RunningServer, method: str, path: str, body: Any = None) -> dict[str, Any]:
    """One request to the server; waits out a 429 (a while); a refusal or a lost server is an
    error."""
    for _ in range(60):
        connection = http.client.HTTPConnection(server.host, server.port, timeout=REQUEST_TIMEOUT)
        headers = {"Authorization": f"Bearer {server.secret}", "Accept": "application/json"}
        try:
            payload = None if body is None else json.dumps(body).encode()
            if payload is not None:
                headers["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            status, retry, text = (
                response.status,
                response.getheader("Retry-After"),
                response.read(),
            )
        except OSError as e:
            raise StoreError(
                f"lost the server holding the store (process {server.pid} at {server.url}): {e}",
                hint="see the server's log; the store holds the last good build or the new one, "
                "never part of one",
            ) from None
        finally:
            connection.close()
        if status == 429:
            time.sleep(min(float(retry or 1), 10.0))
            continue
        answer = decode(text)
        if status >= 400:
            raise StoreError(
                f"the server holding the store (process {server.pid} at {server.url}) refused "
                f"the build: {answer.get('error', status)}",
                hint=str(answer.get("hint") or "see the server's log"),
            )
        return answer
    raise StoreError(
        f"the server holding the store (process {server.pid} at {server.url}) stayed too busy "
        "to take the build",
        hint="try again when it is less busy",
    )


def decode(text: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(text)
    except ValueError:
        return {"error": text[:200].decode(errors="replace")}
    return answer if isinstance(answer, dict) else {"error": repr(answer)[:200]}
