"""Run engine work on a thread with a deep stack: the second wall behind the depth limit.

Bracket depth is bounded before parsing, but Oxigraph also recurses along long flat chains
(its parser and optimiser build a tree one level per item): 3,000 ``BIND``s or ``MINUS``
blocks, or 10,000 ``+`` terms, overflow a thread's 8 MiB stack and kill the process. Such a
text is at most ``max_query_bytes`` long, and the deepest measured use was about 400 bytes of
stack per byte of text, so a stack of 1 KiB per byte (reserved address space, used only as
touched) holds any text the size limit lets in.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
MIN_STACK = 64 << 20
_LOCK = threading.Lock()  # threading.stack_size() is process-wide


def on_deep_stack(max_text_bytes: int, work: Callable[[], T]) -> T:
    """``work()`` on a new thread whose stack fits any text up to ``max_text_bytes``."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as e:  # handed to the caller's thread, without the frames
            failure.append(shed_frames(e))
        finally:  # engine objects caught in reference cycles are freed here, on their thread
            gc.collect(1)  # young generations only: cheap (a full one takes ~25 ms)

    with _LOCK:
        old = threading.stack_size(max(MIN_STACK, max_text_bytes << 10))
        try:
            thread = threading.Thread(target=run, name="medkg-deep-stack", daemon=True)
            thread.start()
        finally:
            threading.stack_size(old)
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


def shed_frames(e: BaseException) -> BaseException:
    """``e`` (and the errors it chains) without their frames, on the thread that raised it.

    What those frames held is then dropped here: pyoxigraph results may only be dropped on the
    thread that made them, so an error carried to another thread with its frames would drop them
    there (a panic).
    """
    seen: set[int] = set()
    link: BaseException | None = e
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        link.__traceback__ = None
        link = link.__cause__ or link.__context__
    return e
