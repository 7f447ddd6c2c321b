"""Claim files as the review queue reads them: parsed once, read again only when they change.

Every request of the queue and every decision's checks need every claim file loaded (the seed's
takes ~0.2 s of CPU to parse and check). A loaded file is kept with the stat of its YAML and of
its article's text (the quotes are checked against it) and reused while both are unchanged; a
decision replaces the file (a new inode), so its next read is fresh.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from medkg.build import claim_paths, ontology_paths, shapes_path
from medkg.curation.load import ClaimFile, load_claim_file
from medkg.rdf.ontology import TurtleSyntaxError, read_turtle
from medkg.validate import Inputs

Stamp = tuple[int, int, int]
_cache: dict[Path, tuple[Stamp, Path, Stamp | None, ClaimFile]] = {}
_lock = threading.Lock()


def stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def claim_file(path: Path, root: Path) -> ClaimFile:
    """``load_claim_file(path, root)``, from the cache while the file and its text are
    unchanged. The result is shared: read it, never change it."""
    mine = stamp(path)
    with _lock:
        hit = _cache.get(path)
    if hit is not None and hit[0] == mine and stamp(hit[1]) == hit[2]:
        return hit[3]
    loaded = load_claim_file(path, root)
    if mine is not None and loaded.article is not None:  # else cheap, and maybe fixed soon
        text = root / loaded.article.text_path
        with _lock:
            _cache[path] = (mine, text, stamp(text), loaded)
    return loaded


def read_inputs(inputs: Inputs) -> bool:
    """What ``medkg.validate.read_inputs`` reads (the ontology, the shapes, every claim file),
    the claim files from the cache; files that do not parse are left out (not ours to report).
    True if every file parsed and loaded: then the inputs are what a build would read."""
    root = inputs.settings.root_path
    complete = True
    for path in ontology_paths(root):
        try:
            graph = read_turtle(path)
        except TurtleSyntaxError:
            complete = False
            continue
        inputs.ontology_files[path] = graph
        inputs.ontology += graph
    if shapes_path(root).exists():
        with contextlib.suppress(TurtleSyntaxError):
            inputs.shapes = read_turtle(shapes_path(root))
    inputs.claim_files = [claim_file(p, root) for p in claim_paths(root)]
    return complete and not any(f.problems for f in inputs.claim_files)
