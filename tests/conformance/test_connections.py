"""Against the real server: many idle keep-alive clients do not lock a new one out (waitress
stops accepting past its connection limit, 100 unless told, until an idle one times out)."""

from __future__ import annotations

import http.client

from ..conftest import Server

IDLE = 150  # past waitress's default limit of 100


def test_a_new_client_is_answered_beside_many_idle_keep_alive_ones(server: Server) -> None:
    idle: list[http.client.HTTPConnection] = []
    try:
        for _ in range(IDLE):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("GET", "/health")
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("Connection", "").lower() != "close"
            idle.append(conn)  # kept open, as a browser or a client pool keeps it
        fresh = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        fresh.request("GET", "/sparql?query=ASK%7B%7D", headers={"Accept": "application/json"})
        answer = fresh.getresponse()
        assert answer.status == 200 and b"boolean" in answer.read()
        fresh.close()
    finally:
        for conn in idle:
            conn.close()
