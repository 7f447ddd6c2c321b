"""How many claims fit in a page's size in bytes (``page_bytes``): a head entity's claim can
hold a hundred sentences, so a page of 50 such claims ran to 825 KB of JSON-LD."""

from __future__ import annotations

from medkg.rdf.triples import RDF_TYPE, Lit, Term, Triples


def fit_bytes(
    claims: Triples, keys: list[str], limit: int, at_least_one: bool = True
) -> tuple[list[str], int]:
    """The first of ``keys`` whose descriptions in ``claims`` (claim, evidence, targets,
    selectors, references: what a claim's node reaches) fit in ``limit`` bytes of N-Triples,
    and their size; at least one when asked, so a page always moves on. ``limit`` 0: all."""
    if not limit:
        return keys, 0
    kept: list[str] = []
    used = 0
    for key in keys:
        seen: set[str] = set()
        todo: list[str] = [key]
        size = 0
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for p, objects in claims.by_subject.get(node, {}).items():
                for o in objects:
                    size += n3_length(node) + len(p) + 2 + n3_length(o) + 4
                    if p != RDF_TYPE and isinstance(o, str) and o not in seen:
                        todo.append(o)
        if (kept or not at_least_one) and used + size > limit:
            break
        kept.append(key)
        used += size
    return kept, used


def n3_length(term: Term) -> int:
    """The length of rdflib's ``n3()`` of a term (IRIs in full, no prefixes)."""
    if not isinstance(term, Lit):
        return len(term) if term.startswith("_:") else len(term) + 2
    value = term.value
    if "\n" in value:  # rdflib triple-quotes it
        text = value.replace("\\", "\\\\")
        if '"""' in value:
            text = text.replace('"""', '\\"\\"\\"')
        if text[-1] == '"' and text[-2] != "\\":
            text = text[:-1] + '\\"'
        size = len(text.replace("\r", "\\r")) + 6
    else:
        size = len(value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r")) + 2
    if term.language:
        return size + 1 + len(term.language)
    return size + len(term.datatype) + 4 if term.datatype else size
