"""Serve what the curated files say, or say why not: build an empty store, rebuild a stale one.

Every build records a fingerprint of the curated files it read (``build.input_fingerprint``).
A server starting on a store built from other files rebuilds it (by the streaming bulk path on
a store with a bulk loader, where corpora are large); if the files are broken it keeps serving
the last good build and reports why (``/health`` says ``degraded``). A root with no curated
files and an empty store is refused: there would be nothing to serve.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from medkg.build import (
    build_into,
    claim_paths,
    dataset_version,
    ensure_built,
    input_fingerprint,
    recorded_fingerprint,
)
from medkg.bulk import bulk_build_into
from medkg.config import Settings
from medkg.errors import ConfigError, MedkgError
from medkg.firstpages import write_side_index
from medkg.sources.registry import read_sources
from medkg.store import Store
from medkg.summaries import open_index

log = logging.getLogger(__name__)

#: claim files above which a stale store is rebuilt by the streaming bulk path
BULK_FROM = 200


@dataclass(frozen=True)
class Freshness:
    """What the store holds compared with the curated files: ``current``, ``rebuilt``,
    ``stale`` (files changed but could not be built: ``reason`` says why) or ``unchecked``
    (no curated files here: a worker in front of a store built elsewhere)."""

    state: str
    reason: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {"state": self.state, **({"reason": self.reason} if self.reason else {})}


def ensure_current(store: Store, settings: Settings) -> Freshness:
    """Build an empty store, rebuild one built from other curated files, else leave it."""
    root = settings.root_path
    fingerprint = input_fingerprint(root)
    has_data = bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean)
    if fingerprint is None:
        if not has_data:
            raise ConfigError(
                f"nothing to serve: {root} has no ontology/*.ttl or data/claims/*.yaml and the "
                f"store {settings.store} is empty",
                hint="run medkg from a project folder, pass --root DIR, or create a project "
                "with `medkg init DIR`",
            )
        return Freshness("unchecked", f"no curated files under {root} to compare with")
    if not has_data:
        ensure_built(store, settings)
        return Freshness("current")
    recorded = recorded_fingerprint(store, settings)
    if recorded == fingerprint:
        return Freshness("current")
    if not store.capabilities.supports_update:
        reason = (
            "the store is read-only and was built from other curated files than those under "
            f"{root}; rebuild it where it can be written"
        )
        log.warning("%s", reason)
        return Freshness("stale", reason)
    log.warning("the curated files changed since the store was built: rebuilding")
    try:
        rebuild(store, settings)
    except MedkgError as e:
        reason = (
            f"the curated files changed but do not build, so the last good build is served: {e}"
        )
        log.error("%s", reason)
        return Freshness("stale", reason)
    return Freshness("rebuilt")


def ensure_summaries(store: Store, settings: Settings) -> bool:
    """Write the entity summaries beside a store that has none for its version (built by an
    older medkg, or a build killed between its swap and its summaries); True if written."""
    if not store.capabilities.supports_update or store.side_folder() is None:
        return False
    version = dataset_version(store, settings)
    index = open_index(store, version)
    if index is not None:
        index.close()
        return False
    if version is None:
        return False
    log.warning("the store has no entity summaries for version %s: writing them", version)
    write_side_index(store, settings, version)
    return True


def rebuild(store: Store, settings: Settings) -> None:
    """Rebuild by the path that suits the corpus: bulk for large ones on a bulk-loading store,
    and always when curated sources are registered (only the bulk path builds them)."""
    root = settings.root_path
    large = store.capabilities.bulk_load and len(claim_paths(root)) > BULK_FROM
    if large or read_sources(root):
        bulk_build_into(store, settings)
    else:
        build_into(store, settings)
