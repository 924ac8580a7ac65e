"""The documentation leads somewhere: relative links stay inside the repository and exist, and
the design reference names only module paths the code has.

A fresh clone holds this repository and nothing beside it, so a link such as
``../shared/DESIGN.md`` is a dead end for its reader, and so is a link to a file since moved.
``docs/design.md`` is checked against the code by the module paths it names (`` `sync/cdc.py` ``,
`` `resolvers/rules/` ``): a renamed or split module makes this test name the stale mention.
Web links and in-page anchors are not checked.
"""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent

FENCED_BLOCK = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^[ \t]*\[[^\]]+\]:[ \t]*<?(\S+?)>?(?:[ \t]+\"[^\"]*\")?[ \t]*$", re.M)
PARENT_PATH = re.compile(r"(?<![\w./-])((?:\.\./)+[\w.\-]+(?:/[\w.\-]+)*/?)")
"""A bare ``../…`` path in prose or code: relative to the file, it must not leave the repository."""
CODE_SPAN = re.compile(r"(`+)([^`\n]+?)\1")
MODULE_PATH = re.compile(r"^[\w.*-]+(?:/[\w.*-]+)*(?:\.py|/)$")
"""A repository path as the design reference writes one: ``app/asgi.py``, ``domains/``,
``app/commands_*.py``. Absolute URL paths (``/healthz``) and dotted names don't match."""
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def documents(root: Path) -> list[Path]:
    """README.md and every Markdown file under docs/."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


def without_fences(text: str) -> str:
    """The Markdown outside fenced code blocks (where ``[a](b)`` is not a link)."""
    return FENCED_BLOCK.sub("", text)


def link_targets(text: str) -> list[str]:
    """Every relative path the Markdown links to or spells out as ``../…``, anchors dropped."""
    prose = without_fences(text)
    found = [*INLINE_LINK.findall(prose), *REFERENCE_LINK.findall(prose)]
    found += PARENT_PATH.findall(text)
    targets = []
    for target in found:
        if SCHEME.match(target):  # http(s), mailto: not ours to check
            continue
        path = unquote(target.split("#", 1)[0].split("?", 1)[0])
        if path:  # a bare "#anchor" links within the page
            targets.append(path)
    return list(dict.fromkeys(targets))  # a link's own "../…" is found twice: report it once


def broken_links(document: Path, root: Path) -> list[str]:
    """The link targets of ``document`` that leave ``root`` or name nothing there."""
    broken = []
    for target in link_targets(document.read_text(encoding="utf-8")):
        resolved = (document.parent / target).resolve()
        if not resolved.is_relative_to(root.resolve()):
            broken.append(f"{target} (outside the repository)")
        elif not resolved.exists():
            broken.append(f"{target} (no such file)")
    return broken


def module_paths(text: str) -> list[str]:
    """The repository paths named in code spans: a ``/`` in them, ending in ``.py`` or ``/``."""
    spans = [span for _, span in CODE_SPAN.findall(without_fences(text))]
    return [span for span in spans if "/" in span and MODULE_PATH.match(span)]


def missing_module_paths(document: Path, root: Path) -> list[str]:
    """The paths ``document`` names that the repository doesn't have (a glob must match one)."""
    missing = []
    for path in module_paths(document.read_text(encoding="utf-8")):
        exists = any(root.glob(path.rstrip("/"))) if "*" in path else (root / path).exists()
        if not exists or (path.endswith("/") and "*" not in path and not (root / path).is_dir()):
            missing.append(path)
    return missing


@pytest.mark.parametrize("document", documents(ROOT), ids=lambda path: str(path.relative_to(ROOT)))
def test_relative_links_resolve_inside_the_repository(document: Path) -> None:
    assert broken_links(document, ROOT) == []


def test_the_design_reference_names_only_module_paths_that_exist() -> None:
    design = ROOT / "docs" / "design.md"
    assert len(module_paths(design.read_text(encoding="utf-8"))) > 50  # it is concrete
    assert missing_module_paths(design, ROOT) == []


def test_links_out_of_the_repository_or_to_missing_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("guide\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(
        "See [the guide](docs/guide.md#setup), [the site](https://example.com/x.md),\n"
        "[here](#local), [design](../shared/DESIGN.md) and [gone](docs/old.md).\n"
        "Bare: `../outside/notes.md`. Reference style:\n\n[ref]: docs/missing.md\n\n"
        "```markdown\n[inside a fence](docs/fenced.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(readme, tmp_path) == [
        "../shared/DESIGN.md (outside the repository)",
        "docs/old.md (no such file)",
        "docs/missing.md (no such file)",
        "../outside/notes.md (outside the repository)",
    ]


def test_module_paths_that_do_not_exist_are_reported(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "asgi.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "commands_db.py").write_text("", encoding="utf-8")
    design = tmp_path / "design.md"
    design.write_text(
        "`app/asgi.py`, `app/`, `app/commands_*.py`, `/healthz`, `resolvers.rules.bills`,\n"
        "`app/asgi.py/`, `app/gone.py`, `sync/`, `app/routes_*.py`\n",
        encoding="utf-8",
    )
    assert missing_module_paths(design, tmp_path) == [
        "app/asgi.py/",
        "app/gone.py",
        "sync/",
        "app/routes_*.py",
    ]
