"""Alembic migrations for every table; ``runway db upgrade`` applies them."""
