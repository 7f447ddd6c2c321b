"""Embedded Oxigraph store on disk (the default backend): SPARQL runs natively in Rust.

The default graph is stored, as the set union of the named graphs (see "The stored union" in
``store.base``): Oxigraph's own union view repeats a triple once per graph that holds it.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar, cast

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from medkg.errors import BadRequest, Location, QueryEvaluationError, QuerySyntaxError, StoreError
from medkg.store.base import (
    SIDE_FILES,
    Capabilities,
    Prepare,
    Progress,
    Quad,
    QueryResult,
    Snapshot,
    Store,
    replace_update,
    run_with_union_resync,
)
from medkg.store.bulkload import LoaderError, load_fresh, load_streamed
from medkg.store.diagnose import (
    cannot_open,
    check_is_store,
    command_of,
    lock_holder,
    read_only_reason,
)
from medkg.store.leftovers import Held, held, remove_abandoned, temporary_folder
from medkg.store.rewrite import bind_values, locate_syntax_error
from medkg.store.swap import recover, remove_leftovers, sibling, step, swap_in
from medkg.terms import (
    RDF_FORMATS,
    RESULT_FORMATS,
    syntax_error,
    to_rdflib,
    to_triple,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


class OxigraphStore:
    """``oxigraph:PATH`` (on disk) or ``oxigraph:`` with no path (in memory)."""

    capabilities = Capabilities(
        supports_update=True,
        persistent=True,
        native_serialization=True,
        bindings=True,
        bulk_load=True,
        bulk_stream=True,
        stored_union=True,
        engine="oxigraph",
    )

    def __init__(
        self,
        store: ox.Store,
        selector: str,
        path: Path | None = None,
        read_only: str | None = None,
    ):
        self.ox = store
        self.selector = selector
        self.path = path
        self.read_only = read_only  # why this store is open read-only, if it is
        # the folder this handle reads (the link's target when opened): side files live there
        self.folder = Path(versioned(path)) if path is not None else None
        self._write_lock = threading.Lock()
        self._snapshots = itertools.count()
        self._links: Held | None = None  # see _link_snapshot
        # only an on-disk store can be copied cheaply (hard-linked RocksDB checkpoint)
        self.capabilities = dataclasses.replace(
            self.capabilities, snapshots=path is not None, supports_update=read_only is None
        )

    @classmethod
    def open(cls, rest: str, *, root: Path, selector: str, shared: bool = False) -> OxigraphStore:
        """Open (or create) the store; a store this process cannot write is opened read-only,
        and a failure names its cause (a read-only folder, a lock held by process N, ...).

        With ``shared`` (a command that only reads), a store another process holds (a running
        server) is opened read-only, as it is at this moment."""
        if not rest:
            return cls(ox.Store(), selector)
        path = Path(rest) if Path(rest).is_absolute() else root / rest
        reason = read_only_reason(path)
        if reason is None:
            recover(path)
        check_is_store(path)
        try:
            if reason is not None:
                return cls.open_read_only(path, selector, reason)
            path.mkdir(parents=True, exist_ok=True)
            store = cls(ox.Store(versioned(path)), selector, path)
        except OSError as e:
            holder = lock_holder(path / "LOCK")
            if not shared or holder is None:
                raise cannot_open(path, e) from None
            return cls.open_beside(path, selector, holder)
        remove_leftovers(path)  # safe now: this process holds the store's lock
        return store

    @classmethod
    def open_beside(cls, path: Path, selector: str, holder: int) -> OxigraphStore:
        """Read a store another process holds, read-only, as it is now."""
        reason = f"process {holder} ({command_of(holder)}) holds its lock"
        log.info("the store at %s is in use (%s): reading it read-only", path, reason)
        try:
            return cls(ox.Store.read_only(versioned(path)), selector, path, read_only=reason)
        except OSError as e:
            raise cannot_open(path, e) from None

    @classmethod
    def open_read_only(cls, path: Path, selector: str, reason: str) -> OxigraphStore:
        if not (path / "CURRENT").exists():
            raise StoreError(
                f"cannot create a store at {path}: {reason}",
                hint="build the store where it can be written, then serve that folder",
            )
        log.warning(
            "the store at %s is read-only (%s): serving it read-only; SPARQL Update, the "
            "Graph Store writes, --watch and rebuilds are off",
            path,
            reason,
        )
        return cls(ox.Store.read_only(versioned(path)), selector, path, read_only=reason)

    def check_writable(self) -> None:
        """Refuse a write to a store opened read-only (503, naming why)."""
        if self.read_only is not None:
            raise StoreError(
                f"the store is read-only: {self.read_only}",
                hint="updates are off while it is served read-only; serve a writable copy "
                "to change it",
            )

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        kwargs: dict[str, Any] = {"base_iri": base_iri}
        if default_graphs:
            kwargs["default_graph"] = [graph_iri(g) for g in default_graphs]
        if named_graphs:
            kwargs["named_graphs"] = [graph_iri(g) for g in named_graphs]
        if bindings:
            # a VALUES block, not pyoxigraph's substitutions: with those Oxigraph filters after
            # evaluating instead of looking the value up (claims-about-entity at 10k claims:
            # 0.42 s substituted, 5 ms with VALUES)
            sparql = bind_values(sparql, bindings)
        try:
            result = self.ox.query(sparql, **kwargs)
        except SyntaxError as e:
            raise syntax_error(e) from None
        except (RuntimeError, ValueError, OSError) as e:
            raise QueryEvaluationError(f"the query cannot be evaluated: {e}") from None
        return wrap_result(result)

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run an update and bring the stored union up to date, in one transaction."""
        self.check_writable()

        def run(text: str) -> None:
            self.ox.update(text, base_iri=base_iri)

        with self._write_lock:
            self.drop_side_files()
            if run_with_union_resync(run, sparql, SyntaxError):
                return
        # neither text parsed, so the client's is wrong: find where in it
        raise locate_syntax_error(sparql, "update", base_iri) or QuerySyntaxError(
            "SPARQL syntax error in the update", where=Location("update")
        )

    def replace_graphs(
        self, graphs: Mapping[URIRef, Iterable[Quad]], drop_prefix: str | None = None
    ) -> None:
        self.check_writable()
        text = replace_update(graphs, self.graph_names(), drop_prefix, union=True)
        with self._write_lock:
            self.drop_side_files()
            self.ox.update(text)  # one update = one transaction: all of it or nothing

    def replace_dataset(
        self,
        nquads: Path,
        drop_prefix: str | None = None,
        progress: Progress | None = None,
        union_included: bool = False,
        prepare: Prepare | None = None,
    ) -> None:
        """Bulk-load into a fresh store beside this one, then swap it in.

        On disk the new store is built in a sibling folder held by a lock, after removing what
        killed builds left, and swapped in by ``store.swap``: the path names a complete store at
        every instant, old or new (readers in this process wait on the write lock meanwhile).
        In memory the new store replaces the old one in a single assignment, so readers see
        the old data or the new.
        """
        self.check_writable()
        with self._write_lock:
            if self.path is None:
                self.ox = self._load(None, nquads, drop_prefix, progress, union_included)
                if prepare is not None:
                    prepare(self)
                return
            remove_leftovers(self.path)
            with held(sibling(self.path, f".building-{os.getpid()}")) as building:
                fresh = self._load(building, nquads, drop_prefix, progress, union_included)
                if prepare is not None:  # e.g. the summaries, written into the new folder
                    built = OxigraphStore(fresh, self.selector)
                    built.folder = building
                    prepare(built)
                    del built
                del fresh
                gc.collect()
                self._swap(building)

    def stream_dataset(
        self,
        write: Callable[[IO[str]], T],
        drop_prefix: str | None = None,
        progress: Progress | None = None,
        union_included: bool = False,
        prepare: Callable[[Store, T], object] | None = None,
    ) -> T:
        """``replace_dataset`` with the N-Quads that ``write`` writes to the stream it is given,
        loaded while they are written (see ``bulkload.load_streamed``): the new store is built
        beside this one and swapped in only if ``write`` and the load both succeed, so an
        exception ``write`` raises (it passes on unchanged) leaves this store as it was.
        ``prepare`` gets what ``write`` returned too. Returns what ``write`` returned."""
        self.check_writable()
        with self._write_lock:
            if self.path is None:
                with temporary_folder("medkg-stream-") as folder:
                    spool = folder / "dataset.nq"
                    with spool.open("w", encoding="utf-8", newline="\n") as f:
                        written = write(f)
                    self.ox = self._load(None, spool, drop_prefix, progress, union_included)
                if prepare is not None:
                    prepare(self, written)
                return written
            remove_leftovers(self.path)
            with held(sibling(self.path, f".building-{os.getpid()}")) as building:
                started = time.perf_counter()
                try:
                    fresh, written = load_streamed(building, write, progress)
                except LoaderError as e:
                    shutil.rmtree(building, ignore_errors=True)
                    raise StoreError(
                        f"bulk load of the streamed dataset failed: {e}",
                        hint="nothing in the store changed",
                    ) from None
                except BaseException:
                    shutil.rmtree(building, ignore_errors=True)
                    raise
                log.info("streamed bulk load: %.1fs", time.perf_counter() - started)
                self._complete(building, fresh, drop_prefix, union_included)
                if prepare is not None:
                    built = OxigraphStore(fresh, self.selector)
                    built.folder = building
                    prepare(built, written)
                    del built
                del fresh
                gc.collect()
                self._swap(building)
            return written

    def _load(
        self,
        target: Path | None,
        nquads: Path,
        drop_prefix: str | None,
        progress: Progress | None,
        union_included: bool,
    ) -> ox.Store:
        """A new store at ``target`` (in memory if None): the file, the stored union, and the
        graphs of this store that ``drop_prefix`` does not drop."""
        started = time.perf_counter()
        try:
            fresh = load_fresh(target, nquads, progress)
        except (SyntaxError, OSError) as e:
            if target:
                shutil.rmtree(target, ignore_errors=True)
            raise StoreError(
                f"bulk load of {nquads} failed: {e}", hint="nothing in the store changed"
            ) from None
        log.info("bulk load of %s: %.1fs", nquads.name, time.perf_counter() - started)
        self._complete(target, fresh, drop_prefix, union_included)
        return fresh

    def _complete(
        self, target: Path | None, fresh: ox.Store, drop_prefix: str | None, union_included: bool
    ) -> None:
        """Add to a freshly loaded store the stored union (unless the file had it) and the
        graphs of this store that ``drop_prefix`` does not drop, and flush it."""
        try:
            started = time.perf_counter()
            if not union_included:
                fresh.bulk_extend(
                    ox.Quad(q.subject, q.predicate, q.object)
                    for q in fresh.quads_for_pattern(None, None, None, None)
                    if not isinstance(q.graph_name, ox.DefaultGraph)
                )
            for g in self.ox.named_graphs():
                if not (drop_prefix and str(getattr(g, "value", "")).startswith(drop_prefix)):
                    kept = list(self.ox.quads_for_pattern(None, None, None, g))
                    fresh.extend(kept)
                    fresh.extend(ox.Quad(q.subject, q.predicate, q.object) for q in kept)
            fresh.flush()
            log.info(  # the flush waits for RocksDB to compact a large load's files
                "%.1fs for kept graphs and compaction", time.perf_counter() - started
            )
        except OSError as e:
            if target:
                shutil.rmtree(target, ignore_errors=True)
            raise StoreError(
                f"completing the bulk-loaded store failed: {e}", hint="nothing in the store changed"
            ) from None

    def _swap(self, built: Path) -> None:
        """Swap the store in ``built`` in at this store's path and reopen it there."""
        assert self.path is not None
        swapping = time.perf_counter()
        self.ox = ox.Store()  # drop the last handle on the old folder
        gc.collect()
        old = None
        try:
            old = swap_in(self.path, built)
        except OSError as e:
            raise StoreError(
                f"swapping in the new store at {self.path} failed: {e}",
                hint="the path still names a complete store (the old one or the new one); "
                "fix the cause and build again",
            ) from None
        finally:
            recover(self.path)
            self.ox = ox.Store(versioned(self.path))
            self.folder = Path(versioned(self.path))
        step("reopened")
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        step("removed")
        log.info("swapped in the new store in %.1fs", time.perf_counter() - swapping)

    def side_folder(self) -> Path | None:
        return self.folder

    def replace_side_file(self, new: Path, target: Path, seen: os.stat_result) -> bool:
        """Move ``new`` over the side file ``target`` if it is still the file ``seen``: no
        write removed it and no build replaced it or swapped in another folder since. Checked
        and moved under the write lock, so no write comes in between; False if it changed."""
        with self._write_lock:
            try:
                now = target.stat()
            except FileNotFoundError:
                return False
            if target.parent != self.folder or (now.st_ino, now.st_mtime_ns, now.st_size) != (
                seen.st_ino,
                seen.st_mtime_ns,
                seen.st_size,
            ):
                return False
            os.replace(new, target)
            return True

    def drop_side_files(self) -> None:
        """Remove the side files derived from this store's content before it is written:
        they would describe data it no longer holds (a build writes them again)."""
        if self.folder is None:
            return
        for side in self.folder.glob(SIDE_FILES):
            side.unlink(missing_ok=True)
            log.info("removed %s: the store is being written", side.name)

    def graph_names(self) -> list[URIRef]:
        return sorted(
            URIRef(g.value) for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def count(self, graph: URIRef | None = None) -> int:
        """Quads in one named graph, or in all of them (the stored union is not counted)."""
        target = "?g" if graph is None else ox.NamedNode(graph)
        solutions = self.ox.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}"
        )
        (row,) = cast(ox.QuerySolutions, solutions)
        return int(cast(ox.Literal, row[0]).value)

    def close(self) -> None:
        """Flush, and let go of the folder now: a frame kept alive by a reference cycle (an
        exception's traceback, until the collector runs) may still hold this object, and with it
        RocksDB's lock, so that the same process could not open the store again."""
        if self.read_only is None:
            self.ox.flush()
        self.ox = ox.Store()  # in memory and empty; the folder's handle dropped

    def snapshot(self) -> Snapshot:
        """A RocksDB checkpoint beside the store (hard links: cheap), for read-only workers.

        A checkpoint is a database of its own, so a worker reading it is never disturbed by
        writes to the live store (opening the live store read-only while it is written is not
        safe in RocksDB).
        """
        if self.path is None:
            raise StoreError("an in-memory Oxigraph store cannot be snapshotted")
        if self.read_only is not None:
            return self._link_snapshot(self.path)
        home = self.path.with_name(self.path.name + ".snapshots")
        home.mkdir(exist_ok=True)
        number = next(self._snapshots)
        if number == 0:  # this process holds the store's lock: older snapshots are stale
            for stale in home.iterdir():
                shutil.rmtree(stale, ignore_errors=True)
        target = home / f"{os.getpid()}-{number}"
        with self._write_lock:
            self.ox.backup(str(target))
        return Snapshot("medkg.store.oxigraph:open_read_only", target)

    def _link_snapshot(self, path: Path) -> Snapshot:
        """For a store nobody writes (read-only), a link to it stands in for a copy: its folder
        may be on a read-only volume. The links (and the workers' spool beside them) live in a
        temporary folder held while this process runs; a killed server's is removed next time."""
        if self._links is None:
            home = Path(tempfile.gettempdir())
            remove_abandoned(home.glob("medkg-readonly-*"))
            self._links = Held(Path(tempfile.mkdtemp(prefix=f"medkg-readonly-{os.getpid()}-")))
        target = self._links.folder / str(next(self._snapshots))
        target.symlink_to(path.resolve())
        return Snapshot("medkg.store.oxigraph:open_read_only", target)


def versioned(path: Path) -> str:
    """The folder the store's link names (see ``store.swap``): a store opened there keeps
    reading its own files when another process swaps the link to a new version."""
    return str(path.resolve())


def open_read_only(path: Path) -> OxigraphStore:
    """Open a snapshot (or any store no process writes) read-only."""
    return OxigraphStore(ox.Store.read_only(str(path)), f"oxigraph:{path}")


def graph_iri(text: str) -> ox.NamedNode:
    """A dataset graph IRI; one that is not an IRI is the client's error (400), not ours."""
    try:
        return ox.NamedNode(text)
    except ValueError:
        raise BadRequest(
            f"graph {text!r} is not an IRI", hint="default-graph-uri and named-graph-uri take IRIs"
        ) from None


def wrap_result(result: Any) -> QueryResult:
    """A pyoxigraph result as a QueryResult that streams rows or serialises natively."""

    def serialize_results(fmt: str) -> bytes:
        return result.serialize(format=RESULT_FORMATS[fmt]) or b""

    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = (tuple(to_rdflib(sol[i]) for i in range(len(names))) for sol in result)
        return QueryResult(
            "bindings", names, rows=rows, serializer=serialize_results, native=result
        )
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("boolean", boolean=bool(result), serializer=serialize_results)

    def serialize_graph(fmt: str) -> bytes:
        return result.serialize(format=RDF_FORMATS[fmt]) or b""

    triples = (to_triple(t) for t in result)
    return QueryResult("graph", triples=triples, serializer=serialize_graph, native=result)
