"""sync/ stands on its own: its client, OAuth and engine import no application code."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_the_sync_engine_imports_neither_the_app_nor_the_rules() -> None:
    """Importing the QBO client used to pull in app.settings, and through it every rule."""
    code = (
        "import sys, sync.client, sync.connection, sync.engine, sync.oauth, sync.webhooks\n"
        "loaded = {name.partition('.')[0] for name in sys.modules}\n"
        "print(sorted(loaded & {'app', 'resolvers', 'schema', 'jinja2'}))"
    )
    finished = subprocess.run(  # noqa: S603  (this Python, a fixed program)
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert finished.stdout.strip() == "[]"
