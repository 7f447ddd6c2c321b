"""Structured access logs (one JSON line per request) and ``/metrics`` in Prometheus format."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, g, request

from medkg.endpoint.pool import rss_bytes

access_log = logging.getLogger("medkg.access")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """Counters and one latency histogram, thread-safe, rendered in the text exposition format."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counters: dict[tuple[str, tuple[tuple[str, str], ...]], float] = defaultdict(float)
        self.buckets = [0] * len(BUCKETS)
        self.seconds_sum = 0.0
        self.seconds_count = 0
        self.gauges: list[Callable[[], dict[str, float]]] = []

    def inc(self, name: str, value: float = 1.0, **labels: str) -> None:
        with self.lock:
            self.counters[(name, tuple(sorted(labels.items())))] += value

    def observe_query(self, seconds: float) -> None:
        with self.lock:
            self.seconds_sum += seconds
            self.seconds_count += 1
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self.buckets[i] += 1

    def render(self) -> str:
        lines: list[str] = []
        with self.lock:
            counters = sorted(self.counters.items())
            buckets, total, count = list(self.buckets), self.seconds_sum, self.seconds_count
        typed: set[str] = set()
        for (name, labels), value in counters:
            if name not in typed:
                lines.append(f"# TYPE {name} counter")
                typed.add(name)
            lines.append(f"{name}{_labels(labels)} {_number(value)}")
        name = "medkg_sparql_query_seconds"
        lines.append(f"# HELP {name} time to run a SPARQL query and spool its result")
        lines.append(f"# TYPE {name} histogram")
        for bound, n in zip(BUCKETS, buckets, strict=True):
            lines.append(f'{name}_bucket{{le="{bound:g}"}} {n}')
        lines += [f'{name}_bucket{{le="+Inf"}} {count}', f"{name}_sum {_number(total)}"]
        lines.append(f"{name}_count {count}")
        for gauge in self.gauges:
            for key, value in gauge().items():
                lines += [f"# TYPE {key.split('{')[0]} gauge", f"{key} {_number(value)}"]
        return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    body = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return "{" + body + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def metrics() -> Metrics:
    from flask import current_app

    m: Metrics = current_app.extensions["medkg.metrics"]
    return m


bp = Blueprint("observe", __name__)


@bp.get("/metrics")
def metrics_route() -> Response:
    return Response(metrics().render(), mimetype="text/plain; version=0.0.4")


def note(**fields: Any) -> None:
    """Add fields (rows, query_ms, form, …) to this request's access-log line."""
    g.setdefault("access", {}).update(fields)


def register(app: Flask) -> None:
    """Time every request, log it as one JSON line, count it; serve /metrics."""
    m = Metrics()
    app.extensions["medkg.metrics"] = m
    m.gauges.append(lambda: {"process_resident_memory_bytes": rss_bytes()})

    @app.before_request
    def start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        route = request.url_rule.rule if request.url_rule else "(unmatched)"
        m.inc(
            "medkg_http_requests_total", route=route, method=request.method,
            status=str(response.status_code),
        )  # fmt: skip
        entry = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round(ms, 2),
            "client": request.remote_addr,
            **g.get("access", {}),
        }
        access_log.info(json.dumps(entry, default=str))
        return response

    app.register_blueprint(bp)
