"""The review queue: list drafts, show one in its article, decide, write back (issue #18)."""
