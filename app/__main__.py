"""``python -m app`` runs the ``runway`` command line."""

from app.cli import main

main()
