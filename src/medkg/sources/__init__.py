"""Readers of curated databases (one module per kind), streamed into the claim model.

A curated source states claims that curators elsewhere vouch for (DESIGN section 2, "Curated
sources"): each row becomes one ``SourceEvidence`` for one ``Claim``. Rows that cannot be read
are reported with the file's line number and skipped, never silently dropped.
"""
