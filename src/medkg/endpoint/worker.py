"""A query worker process: ``python -m medkg.endpoint.worker``.

It reads pickled jobs on stdin, runs each on a read-only snapshot of the store, writes the result
to the spool file the parent named, and answers with a small pickled message on stdout. The parent
kills it when a query overruns; nothing in here needs to cooperate for that to work.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import sys
from pathlib import Path
from typing import IO, Any

from medkg.endpoint.job import Job, error_to_wire, open_snapshot, run_job
from medkg.endpoint.sandbox import deny_network
from medkg.store.base import Store

HEADER = struct.Struct("!I")
INLINE_LIMIT = 256 * 1024  # results up to this size travel over the pipe; larger ones spill


class Spill:
    """A binary sink that keeps the first ``limit`` bytes in memory and spills to ``path``
    beyond that, so small results cost no file and large ones no memory."""

    def __init__(self, path: str, limit: int = INLINE_LIMIT):
        self.path = path
        self.limit = limit
        self.buffer = bytearray()
        self.file: IO[bytes] | None = None

    def write(self, data: bytes) -> int:
        if self.file is None and len(self.buffer) + len(data) <= self.limit:
            self.buffer += data
            return len(data)
        if self.file is None:
            self.file = open(self.path, "wb")  # noqa: SIM115 (closed in close())
            self.file.write(self.buffer)
            self.buffer = bytearray()
        return self.file.write(data)

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def close(self) -> None:
        if self.file is not None:
            self.file.close()

    def where(self) -> dict[str, Any]:
        """How the parent finds the bytes: inline ``data`` or the ``spooled`` file."""
        return {"spooled": True} if self.file is not None else {"data": bytes(self.buffer)}


def send(stream: IO[bytes], message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        raise EOFError("the other side closed the pipe")
    (size,) = HEADER.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the other side closed the pipe mid-message")
    return pickle.loads(data)


def serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """Answer jobs until the parent closes stdin."""
    store: Store | None = None
    opened: tuple[str, str] | None = None
    send(out, {"ready": True})
    while True:
        try:
            message = receive(inp)
        except EOFError:
            return
        job: Job = message["job"]
        snapshot = (message["opener"], message["snapshot"])
        try:
            if snapshot != opened:
                store = None
                gc.collect()  # release the old snapshot's files before opening the new one
                store = open_snapshot(snapshot[0], Path(snapshot[1]))
                opened = snapshot
            assert store is not None
            spill = Spill(message["spool"])
            try:
                kind, fmt, written = run_job(store, job, spill)  # type: ignore[arg-type]
            finally:
                spill.close()
            reply = {"ok": True, "kind": kind, "fmt": fmt.name, "written": written}
            send(out, {**reply, **spill.where()})
        except Exception as e:
            send(out, {"ok": False, "error": error_to_wire(e)})


def die_with_parent() -> None:
    """Ask Linux to kill this worker when the server dies, even mid-query (no orphans)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: an idle worker still exits when its stdin closes


def main() -> None:
    parent = os.getppid()
    die_with_parent()
    if os.getppid() != parent:  # the parent died before the request took effect
        return
    if "--sandbox" in sys.argv[1:]:
        deny_network(all_threads=True)  # before any job: no thread of this process connects
    # stdout carries the protocol; anything printed by mistake goes to stderr
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr
    serve(sys.stdin.buffer, protocol_out)


if __name__ == "__main__":
    main()
