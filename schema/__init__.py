"""The GraphQL schema: strawberry types mapped from orchestrator results, with no rules inside."""

from schema.root import build_schema

__all__ = ["build_schema"]
