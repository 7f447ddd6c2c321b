"""What pyld's compaction decides for medkg's context, asked of pyld once and remembered.

Compacting a value depends on the context and the value's shape, not on the value itself:
which term a property takes for a value of that shape (``label`` for an English string,
``rdfs:label`` for a French one), how the value is written (bare, or ``{"@type": ...,
"@value": ...}``), how an IRI compacts (``MONDO:0004976``). ``Compactor`` asks pyld each of
those once per context and remembers the answer, so the direct writer (``medkg.rdf.writer``)
writes what pyld would without running pyld's compaction for every value. It also expands
medkg's frames (compact terms) into ``Frame``s and literals into the JSON-LD pyld's
``from_rdf`` makes of them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from pyld import jsonld as pyld

from medkg.rdf import jsonld
from medkg.rdf.triples import Lit

XSD = "http://www.w3.org/2001/XMLSchema#"
NATIVE = {f"{XSD}boolean", f"{XSD}integer", f"{XSD}double"}  # pyld makes them JSON natives
BOOLEAN, INTEGER = f"{XSD}boolean", f"{XSD}integer"
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}  # as pyld reads them
INTEGER_FORM = re.compile(r"^[+-]?\d+$")  # pyld's test for an integer it makes native
RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
KNOWN_KEYS = {"@id", "@type", "@embed"}
MAX_REMEMBERED = 50_000  # IRIs remembered per context before starting again


class Unsupported(Exception):
    """A graph or frame this writer does not write the way pyld would: frame it with pyld."""


@dataclass(frozen=True)
class Frame:
    """An expanded frame: which nodes it matches and how it embeds them."""

    embed: str
    ids: frozenset[str] | None = None
    types: frozenset[str] | None = None
    props: dict[str, Frame] = field(default_factory=dict)


class Compactor:
    """pyld's compaction decisions for one context, asked once and remembered."""

    def __init__(self, base: str) -> None:
        self.proc = pyld.JsonLdProcessor()
        self.options: dict[str, Any] = {**jsonld.OPTIONS, "base": "", "compactArrays": True}
        self.options["processingMode"] = "json-ld-1.1"
        self.options["contextResolver"] = pyld.ContextResolver({}, jsonld.OPTIONS["documentLoader"])
        initial = self.proc._get_initial_context(self.options)
        self.ctx = self.proc.process_context(initial, jsonld.context(base), self.options)
        mappings = self.ctx["mappings"]
        if any(m and ("@nest" in m or "@context" in m) for m in mappings.values()):
            raise Unsupported("the context has nested or scoped terms")
        self.term_iris = {m["@id"] for m in mappings.values() if m and m.get("@id")}
        # terms that can make a compact IRI ("MONDO:0004976"), by the IRI they stand for
        self.prefixes: dict[str, list[tuple[str, bool]]] = {}
        for term, m in mappings.items():
            if m and m.get("@id") and ":" not in term:
                self.prefixes.setdefault(m["@id"], []).append((term, bool(m["_prefix"])))
        self.prefix_lengths = sorted({len(i) for i in self.prefixes})
        self.ref_types: dict[str, str] = {}  # term -> its @type, for node references
        self.ids: dict[str, str] = {}
        self.vocabs: dict[str, str] = {}
        self.terms: dict[tuple[Any, ...], tuple[str, bool]] = {}
        self.values: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.refs: dict[tuple[str, str], Any] = {}
        self.frames: dict[str, Frame] = {}

    def id(self, iri: str) -> str:
        """An ``@id`` compacted (``MONDO:0004976``, ``medkg:claim/...``)."""
        found = self.ids.get(iri)
        if found is None:
            if len(self.ids) > MAX_REMEMBERED:
                self.ids.clear()
            found = self._curie(iri)
            if found is None:  # no compact IRI: pyld makes it relative to the base, or not
                found = self.proc._compact_iri(self.ctx, iri, vocab=False, base="")
            self.ids[iri] = found
        return found

    def _curie(self, iri: str) -> str | None:
        """The compact IRI pyld's ``_compact_iri`` picks for an ``@id`` (no value, not
        vocabulary-relative): of the terms whose IRI starts ``iri`` (and is shorter), those
        usable as a prefix, the shortest ``term:rest``, then the least. pyld tries each of
        the context's 200 terms (~20 us an IRI, and a head page has ~2,000 new ones); this
        looks up ``iri``'s starts of the lengths the terms' IRIs have."""
        mappings = self.ctx["mappings"]
        best: str | None = None
        size = len(iri)
        for length in self.prefix_lengths:
            if length >= size:
                break
            for term, is_prefix in self.prefixes.get(iri[:length], ()):
                curie = f"{term}:{iri[length:]}"
                usable = (is_prefix and curie not in mappings) or (
                    (mappings.get(curie) or {}).get("@id") == iri
                )
                if usable and (best is None or (len(curie), curie) < (len(best), best)):
                    best = curie
        return best

    def vocab(self, iri: str) -> str:
        found = self.vocabs.get(iri)
        if found is None:
            if len(self.vocabs) > MAX_REMEMBERED:
                self.vocabs.clear()
            found = self.vocabs[iri] = self.proc._compact_iri(self.ctx, iri, vocab=True)
        return found

    def is_term(self, iri: str) -> bool:
        """Whether ``iri`` compacts to a term defined as exactly it (pyld's term selection
        reads that of a node value's ``@id``)."""
        if iri not in self.term_iris:
            return False
        mapping = self.ctx["mappings"].get(self.vocab(iri))
        return bool(mapping and mapping["@id"] == iri)

    def term(self, prop: str, shape: tuple[Any, ...], value: dict[str, Any]) -> tuple[str, bool]:
        """The term of ``prop`` for a value of ``shape``, and whether it is always an array."""
        key = (prop, shape)
        found = self.terms.get(key)
        if found is None:
            term = self.proc._compact_iri(self.ctx, prop, value, vocab=True)
            container = pyld.JsonLdProcessor.get_context_value(self.ctx, term, "@container")
            found = self.terms[key] = (term, "@set" in pyld.JsonLdProcessor.arrayify(container))
        return found

    def value(self, term: str, value: dict[str, Any], shape: tuple[Any, ...]) -> Any:
        """A literal's expanded value compacted under ``term`` (pyld's ``_compact_value``)."""
        key = (term, shape)
        form = self.values.get(key)
        if form is None:
            out = self.proc._compact_value(self.ctx, term, dict(value), self.options)
            form = self.values[key] = out if isinstance(out, dict) else {}
        if not form:  # the bare value (a string, a number, a boolean)
            return value["@value"]
        return {**form, "@value": value["@value"]}

    def ref(self, term: str, iri: str) -> Any:
        """A node reference compacted under ``term`` (a string or ``{"@id": ...}``), as
        pyld's ``_compact_value`` writes it: the compact ``@id`` alone under a term typed
        ``@id``, else in an object; under a term typed ``@vocab``, pyld's answer."""
        kind = self.ref_types.get(term)
        if kind is None:
            kind = self.ref_types[term] = (
                pyld.JsonLdProcessor.get_context_value(self.ctx, term, "@type") or ""
            )
        if kind == "@id":
            return self.id(iri)
        if kind != "@vocab":
            return {"@id": self.id(iri)}
        key = (term, iri)
        found = self.refs.get(key)
        if found is None:
            if len(self.refs) > MAX_REMEMBERED:
                self.refs.clear()
            found = self.proc._compact_value(self.ctx, term, {"@id": iri}, self.options)
            self.refs[key] = found
        return dict(found) if isinstance(found, dict) else found

    def frame(self, shape: dict[str, Any]) -> Frame:
        """A frame as medkg writes it (compact terms) expanded, remembered by its text
        without its ``@id`` (a document's own IRIs: remembering them would keep them all)."""
        ids = shape.get("@id")
        text = json.dumps({k: v for k, v in shape.items() if k != "@id"}, sort_keys=True)
        found = self.frames.get(text)
        if found is None:
            found = self.frames[text] = self._expand({**shape, "@id": None})
        if ids is None:
            return found
        if not ids:
            raise Unsupported("an empty @id (pyld matches every node)")
        return replace(found, ids=frozenset([ids] if isinstance(ids, str) else ids))

    def _expand(self, shape: dict[str, Any]) -> Frame:
        props: dict[str, Frame] = {}
        for key, sub in shape.items():
            if key.startswith("@"):
                if key not in KNOWN_KEYS:
                    raise Unsupported(f"frame keyword {key}")
                continue
            if not isinstance(sub, dict):
                raise Unsupported(f"frame value of {key}")
            iri = self.proc._expand_iri(self.ctx, key, vocab=True)
            props[iri] = self._expand(sub)
        ids = shape.get("@id")
        types = shape.get("@type")
        embed = shape.get("@embed")  # pyld's default, @once, is not written here
        if embed not in ("@always", "@never"):
            raise Unsupported(f"@embed {embed}")
        return Frame(
            embed,
            None if ids is None else frozenset([ids] if isinstance(ids, str) else ids),
            None if types is None else frozenset(
                self.proc._expand_iri(self.ctx, t, vocab=True)
                for t in ([types] if isinstance(types, str) else types)
            ),
            props,
        )  # fmt: skip


@lru_cache(maxsize=8)
def compactor(base: str) -> Compactor:
    return Compactor(base)


def expand_literal(lit: Lit, proc: pyld.JsonLdProcessor) -> dict[str, Any]:
    """A literal as pyld's ``from_rdf`` expands it (natives for booleans, integers, doubles)."""
    if lit.language:
        return {"@value": lit.value, "@language": lit.language}
    datatype = lit.datatype or f"{XSD}string"
    if datatype == BOOLEAN and lit.value in BOOLEANS:
        return {"@value": BOOLEANS[lit.value]}
    if datatype == INTEGER and INTEGER_FORM.match(lit.value):
        return {"@value": int(lit.value)}
    if datatype in NATIVE:
        return dict(
            proc._rdf_to_object(
                {"type": "literal", "value": lit.value, "datatype": datatype}, True, None
            )
        )
    if datatype == RDF_JSON:
        raise Unsupported("a JSON literal")
    if datatype == f"{XSD}string":
        return {"@value": lit.value}
    return {"@value": lit.value, "@type": datatype}
