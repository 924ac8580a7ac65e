"""The orchestrators: business rules over loaded rows, returning plain dataclasses for schema/."""
