"""``medkg ontology``: the ontology index for grounding (register, build, look up, promote)."""

from __future__ import annotations

from pathlib import Path

import click

from medkg.cli import Context, cli, pass_ctx, table


@cli.group("ontology")
def ontology_cmd() -> None:
    """The vocabularies drafts are grounded against (full HPO, drugs, registered OBO/OWL)."""


@ontology_cmd.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", help="source name (default: the file's stem, e.g. mondo)")
@pass_ctx
def ontology_add(ctx: Context, file: Path, name: str | None) -> None:
    """Register an OBO or OWL file (MONDO, DOID, CHEBI...) and index it."""
    from medkg.ontologies.registry import open_index, register

    root = ctx.settings.root_path
    source = register(root, file, name)
    index = open_index(root)
    try:
        count = dict((n, c) for n, _, c in index.sources())[source]
    finally:
        index.close()
    click.echo(f"{source}: {count} terms indexed from {file}")


@ontology_cmd.command("build")
@pass_ctx
def ontology_build(ctx: Context) -> None:
    """Bring the index up to date: re-read only the files whose hash changed."""
    from medkg.ontologies.registry import open_index, sources

    index = open_index(ctx.settings.root_path, refresh=False)
    try:
        changes = index.refresh(sources(ctx.settings.root_path))
        click.echo("\n".join(changes) if changes else f"up to date: {index.path}")
    finally:
        index.close()


@ontology_cmd.command("list")
@pass_ctx
def ontology_list(ctx: Context) -> None:
    """The indexed sources, their files and term counts."""
    from medkg.ontologies.registry import open_index

    index = open_index(ctx.settings.root_path)
    try:
        rows = [[n, str(c), p] for n, p, c in index.sources()]
    finally:
        index.close()
    click.echo(table(["source", "terms", "file"], rows, width=100))


@ontology_cmd.command("lookup")
@click.argument("text")
@pass_ctx
def ontology_lookup(ctx: Context, text: str) -> None:
    """The terms a surface form names (label, synonym or abbreviation; case ignored)."""
    from medkg.ontologies.registry import open_index

    index = open_index(ctx.settings.root_path)
    try:
        rows = [[f.curie, f.form, f.scope, f.kind, f.source] for f in index.lookup(text)]
    finally:
        index.close()
    if not rows:
        raise click.ClickException(f"no term is named {text!r}")
    click.echo(table(["curie", "form", "scope", "kind", "source"], rows))


@ontology_cmd.command("promote")
@click.argument("claim_files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="print the Turtle; write nothing")
@pass_ctx
def ontology_promote(ctx: Context, claim_files: tuple[Path, ...], dry_run: bool) -> None:
    """Add the terms approved claims use to ontology/terms.ttl (label, synonyms, parents)."""
    from medkg.ingest.terms import promote_terms
    from medkg.ontologies.registry import open_index

    root = ctx.settings.root_path
    index = open_index(root)
    try:
        report = promote_terms(root, index, list(claim_files) or None, write=not dry_run)
    finally:
        index.close()
    if dry_run and report.turtle:
        click.echo(report.turtle)
    verb = "would add" if dry_run else "added"
    click.echo(f"{verb} {len(report.added)} terms: {', '.join(report.added) or 'none'}")
    for curie in report.missing:
        click.echo(f"not in the index: {curie} (register its ontology: medkg ontology add FILE)")
