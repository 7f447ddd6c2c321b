"""A per-thread tally of the seconds queries spent running in this thread's requests.

The executors add what each query cost in a worker (or in process); the web layer reads the
tally when a request ends and charges it to the client that sent it. A WSGI thread serves one
request at a time, so the thread's tally is the request's.
"""

from __future__ import annotations

import threading

_tally = threading.local()


def charge(seconds: float) -> None:
    """Add ``seconds`` of query work to the current thread's tally."""
    _tally.seconds = getattr(_tally, "seconds", 0.0) + max(0.0, seconds)


def take() -> float:
    """The tally since the last ``take()`` in this thread, reset to zero."""
    seconds: float = getattr(_tally, "seconds", 0.0)
    _tally.seconds = 0.0
    return seconds
