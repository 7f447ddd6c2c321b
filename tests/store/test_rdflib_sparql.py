"""rdflib's SPARQL parser is used by one thread at a time (``store.rdflib_sparql``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_concurrent_first_uses_of_rdflibs_parser_all_succeed(tmp_path: Path) -> None:
    """In a fresh interpreter (the grammar's first calls are the dangerous ones), 16 threads
    prepare a named query and check an update at once: none fails, nor do later parses."""
    script = """
import threading
from pathlib import Path
from medkg.endpoint.targets import default_graph_writes
from medkg.queries import parse_query_file
failures = []
def work(i):
    try:
        parse_query_file(Path("queries/claims-about-entity.rq"))
        default_graph_writes("INSERT DATA { <http://a> <http://b> %d }" % i)
    except Exception as e:
        failures.append(repr(e))
threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
[t.start() for t in threads]
[t.join() for t in threads]
work(99)
print(len(failures), failures[:1])
"""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "0 []"
