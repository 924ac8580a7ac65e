"""Stored assessments: what the views read, computed when the books change
(docs/design.md#stored-assessments)."""
