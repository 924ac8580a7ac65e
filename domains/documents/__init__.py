"""Trusted documents: the GraphQL operations a production server runs for ordinary tokens."""
