"""The SPARQL endpoint's engine room: query screening, result writers, killable query workers.

Backend-neutral: it runs any ``Store``; embedded stores that can snapshot themselves run their
queries in worker processes that are killed when the time limit strikes.
"""
