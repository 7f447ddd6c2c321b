"""schemathesis against ``/openapi.json`` of the real server on 127.0.0.1: no 5xx, and every
status code and content type it answers with is one the description declares.

Bounded: a fixed number of examples per operation, generated deterministically. (schemathesis's
own pytest plugin does not run under pytest 9, so the operations are driven with hypothesis.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    status_code_conformance,
)

from ..conftest import Server

EXAMPLES_PER_OPERATION = 12


def check_operation(operation: schemathesis.APIOperation, base_url: str) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, timeout=30)
        case.validate_response(
            response, checks=[not_a_server_error, status_code_conformance, content_type_conformance]
        )

    run()


@pytest.mark.server
def test_schemathesis_finds_no_server_errors(server: Server) -> None:
    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    failures = []
    for operation in operations:
        try:
            check_operation(operation, server.url)
        except Exception as e:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {e}")
    assert not failures, "\n\n".join(failures)
