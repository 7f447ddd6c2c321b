"""The one place for size and depth limits on what a client or a curator hands medkg.

Recursive parsers (Oxigraph's SPARQL parser, rdflib's, ruamel's composer, Python's json) crash
or fail on deep enough input, and some non-recursive ones slow down with depth (Oxigraph's RDF/XML
parser: 3.7 s at 16,000 levels). So every text is measured here first, without recursion: SPARQL
queries and updates (``sparql``), Graph Store uploads (``uploads``) and curated YAML (``yamlfile``).
"""
