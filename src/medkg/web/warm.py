"""Add the first pages a bulk build left out, in the background of a running server.

A bulk build swaps its store in with the entity summaries but without the head entities' first
pages (``medkg.firstpages``: they cost a minute of the HPO import). ``medkg serve`` starts a
``Warmer`` that adds them whenever the served version lacks them: at start, and after every
build or reload (``AppState.refresh_version`` kicks it). The work runs in worker processes at
low priority, so requests keep being answered, live, until the pages are in. ``/health``
shows its ``status`` as ``first_pages``.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from medkg.firstpages import add_first_pages

if TYPE_CHECKING:
    from medkg.web import AppState

log = logging.getLogger(__name__)


class Warmer:
    """One thread that adds the served version's first pages when kicked (see above)."""

    def __init__(self, state: AppState):
        self.state = state
        # "adding" the pages of a version, or "idle" after (with how many were added: none
        # if the version had them), or "failed" (with why)
        self.status: dict[str, Any] = {"state": "idle"}
        self._kicked = threading.Event()
        self._thread = threading.Thread(target=self._run, name="medkg-first-pages", daemon=True)

    def start(self) -> Warmer:
        self._thread.start()
        self.kick()
        return self

    def kick(self) -> None:
        """Look again: the served version may have changed."""
        self._kicked.set()

    def _run(self) -> None:  # a daemon: it ends with the server, its workers too
        while self._kicked.wait():
            self._kicked.clear()
            version = self.state.version
            self.status = {"state": "adding", "version": version}
            try:
                added = add_first_pages(self.state.store, self.state.settings, version)
            except Exception as e:  # never let it take the server down: pages are served live
                log.exception("adding the first pages of version %s failed", version)
                self.status = {"state": "failed", "version": version, "error": str(e)}
                continue
            self.status = {"state": "idle", "version": version, "added": added or 0}
            if added is not None:
                log.info("added %d first pages of version %s", added, version)
