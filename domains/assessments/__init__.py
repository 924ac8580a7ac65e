"""Stored assessments: what the views read, computed when the books change (DESIGN.md §2, §9)."""
