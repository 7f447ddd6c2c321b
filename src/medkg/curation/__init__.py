"""Curated files: the YAML claim schema, YAML -> model with a Location on every item, checks."""
