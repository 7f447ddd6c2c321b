"""Frozen ``Settings``: every field has a default and help text; loaded from defaults, a TOML
file, then ``MEDKG_*`` environment variables (each later source wins)."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from medkg.errors import ConfigError, Location


def setting(default: Any, help: str) -> Any:
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Everything a deployment can change. ``medkg settings`` lists them with their help."""

    root: str = setting(".", "project root holding ontology/, data/ and queries/")
    store: str = setting(
        "oxigraph:.medkg/store",
        "store backend: oxigraph:PATH (embedded, default), memory: or sparql:URL",
    )
    base_iri: str = setting("https://w3id.org/medkg/", "base IRI of everything medkg mints")
    host: str = setting("127.0.0.1", "address `medkg serve` listens on")
    port: int = setting(8000, "port `medkg serve` listens on")
    threads: int = setting(
        16,
        "WSGI worker threads of `medkg serve`; a request waiting for a query worker holds one, "
        "so there are more threads than workers (4 runaway clients took half of 8)",
    )
    connections: int = setting(
        1000,
        "client connections `medkg serve` holds open at once, idle keep-alive ones included; "
        "past it a new client waits until one closes (an idle one after 120 s)",
    )
    query_timeout: float = setting(
        30.0,
        "seconds a SPARQL query may run in a worker before it is stopped (503); the wait for a "
        "free worker does not count (see query_queue_seconds)",
    )
    query_queue_seconds: float = setting(
        30.0,
        "seconds a query may wait for a free worker of its lane before it is refused with 503 "
        "and Retry-After (every worker stayed busy: the server is overloaded); a wait does not "
        "count against query_timeout",
    )
    query_workers: int = setting(
        2,
        "worker processes that run SPARQL queries (killable on timeout); with "
        "slow_query_workers, those of the fast lane, where every query runs until it proves dear",
    )
    slow_query_workers: int = setting(
        2,
        "worker processes of the slow lane, where a query that ran dear_query_seconds or longer "
        "before runs (at lower CPU priority) so it never holds a fast-lane worker; "
        "0 = one lane for all",
    )
    dear_query_seconds: float = setting(
        1.0,
        "CPU seconds after which a query counts as dear: a fast-lane worker still running it "
        "is demoted (lower priority, replaced by a fresh one) and the query takes the slow lane "
        "next time (same text up to spacing, comments and numbers; same parameters)",
    )
    slow_lane_nice: int = setting(
        10,
        "how much lower (in nice steps, up to 19) the CPU priority of slow-lane and demoted "
        "workers is, so dear queries use the CPU cheap ones leave free",
    )
    query_allocator: str = setting(
        "jemalloc",
        "malloc of the query workers: jemalloc (Oxigraph answers about 14% sooner with it; "
        "`make setup` installs Debian's libjemalloc2, and without it workers fall back to the "
        "system malloc and log so) or system",
    )
    result_cache_mb: int = setting(
        64,
        "MiB of query results (each up to a 16th of it) a web process keeps for the current dataset "
        "version; 0 = off; always off while updates are enabled",
    )
    client_query_seconds: float = setting(
        60.0,
        "seconds of query time one client (by address) may use per client_window_seconds, "
        "as the Wikidata Query Service allows; over it, every request gets 429 with Retry-After "
        "until the share refills. Behind a proxy all clients share its address: raise or 0 = off",
    )
    client_window_seconds: float = setting(
        60.0, "the window client_query_seconds is counted over (the share refills evenly across it)"
    )
    client_concurrency: int = setting(
        0,
        "requests one client (by address) may have in flight; more get 429 with Retry-After: 1. "
        "0 = no limit (the default: clients behind one NAT or proxy share an address)",
    )
    max_query_bytes: int = setting(100_000, "largest SPARQL query text accepted, in bytes (413)")
    max_body_bytes: int = setting(10_000_000, "largest request body accepted, in bytes (413)")
    max_depth: int = setting(
        64,
        "deepest nesting accepted in a SPARQL query or update ({, ( and [) and in an RDF/XML "
        "or JSON-LD upload (elements, objects and arrays), checked before any parser runs (400): "
        "Oxigraph's parser crashes the process near 250 nested collections",
    )
    max_rows: int = setting(
        100_000, "result rows returned at most; a cut result says so in a header"
    )
    update_token: str = setting(
        "", "bearer token enabling SPARQL Update and the Graph Store Protocol; empty = read-only"
    )
    curation_token: str = setting(
        "",
        "bearer token of the review queue (/curate and /api/curation/...: accept, correct or "
        "reject drafts, written back to data/claims/); empty = the queue does not exist",
    )
    curator_name: str = setting(
        "curator", "who decisions made with curation_token are recorded as (reviewed_by)"
    )
    service_allowlist: list[str] = setting([], "endpoint IRIs a query may reach with SERVICE")
    load_allowlist: list[str] = setting([], "IRIs SPARQL LOAD may read (file:// never)")
    watch: bool = setting(False, "rebuild and swap in valid edits of ontology/ and data/")
    log_level: str = setting("INFO", "logging level")
    query_memory_mb: int = setting(
        768,
        "resident memory (MiB) a query worker may use; a query over it is stopped (503). "
        "The server stays under about 200 + query_workers x query_memory_mb MiB",
    )
    page_size: int = setting(
        50, "claims per page of an entity document (/entity/...?page=N); larger pages split"
    )
    page_claims_shown: int = setting(
        10,
        "claims an entity's HTML page draws when it opens (its first page; most evidence "
        "first): the rest of the page, then the next pages, load on demand (Load more "
        "claims); 0 = the whole page at once",
    )
    page_bytes: int = setting(
        1_000_000,
        "claims per page of an entity document at most in bytes (each claim's description "
        "as N-Triples, about twice its JSON-LD): a page of big claims stops early (at least "
        "one claim) and links the next with ?after=; 0 = no limit",
    )
    first_pages: int = setting(
        500,
        "entities whose first pages (entity document and claims-about-entity's first page) "
        "every build materializes beside the summaries: those with at least ten claims on "
        "their first page, in turn the most claimed and the subjects of the most claims; "
        "0 = none (every page is built when asked)",
    )
    first_pages_seconds: float = setting(
        60.0,
        "wall-clock seconds a build spends on the first pages at most: they are built most "
        "claimed first and none is started past it (the one under way finishes); the rest "
        "are built when asked. At a million claims one named-query page can take 20 s",
    )
    first_pages_warm_seconds: float = setting(
        600.0,
        "wall-clock seconds a server spends at most adding the first pages a bulk build left "
        "out (in the background, at low priority: see first_pages_seconds for builds)",
    )
    first_page_workers: int = setting(
        2,
        "processes that build the first pages at build, each over the store opened read-only "
        "(on-disk Oxigraph stores); 1 = in the building process",
    )
    query_page_size: int = setting(
        100, "rows of a named query's page when the request names no page_size (API and CLI)"
    )
    query_max_page_size: int = setting(
        1000, "largest page_size a named query's page may ask for; more is a 400"
    )
    document_cache: int = setting(
        256, "linked-data responses each worker keeps in memory for the current dataset version"
    )

    @property
    def root_path(self) -> Path:
        return Path(self.root)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def describe() -> list[tuple[str, str, Any]]:
    """Name, help and default of every setting, for docs and ``medkg settings``."""
    return [(f.name, f.metadata["help"], _default(f)) for f in fields(Settings)]


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    return f.default_factory()  # type: ignore[operator]


def _coerce(name: str, raw: Any, kind: Any, where: str) -> Any:
    kind = str(kind)
    try:
        if kind.startswith("list"):
            if isinstance(raw, list):
                return [str(v) for v in raw]
            return [v.strip() for v in str(raw).split(",") if v.strip()]
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            if str(raw).lower() in {"1", "true", "yes", "on"}:
                return True
            if str(raw).lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        return str(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            f"setting {name!r} from {where}: {raw!r} is not a valid {kind}",
            hint=f"see `medkg settings` for {name}",
        ) from None


def load_settings(
    path: str | Path | None = None, env: dict[str, str] | None = None, **overrides: Any
) -> Settings:
    """Build Settings from defaults, an optional TOML file, ``MEDKG_*`` env, then overrides."""
    env = dict(os.environ) if env is None else env
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    path = path or env.get("MEDKG_CONFIG")
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as e:
            raise ConfigError(
                f"cannot read settings file: {e.strerror}", where=Location(str(path))
            ) from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"broken TOML: {e}", where=Location(str(path))) from None
        for key, raw in data.get("medkg", data).items():
            if key not in known:
                raise ConfigError(
                    f"unknown setting {key!r}",
                    where=Location(str(path)),
                    hint="known settings: " + ", ".join(known),
                )
            values[key] = _coerce(key, raw, known[key].type, str(path))
    for key, raw in env.items():
        if key.startswith("MEDKG_") and key != "MEDKG_CONFIG":
            name = key[len("MEDKG_") :].lower()
            if name in known:
                values[name] = _coerce(name, raw, known[name].type, f"${key}")
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
