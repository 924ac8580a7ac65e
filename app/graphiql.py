"""The GraphiQL page: served with its assets from this package, opened on the example queries.

Strawberry's own page loads React and GraphiQL from a CDN, so offline or behind a proxy it says
"Loading..." forever. This one loads them from ``/static/graphiql/`` (copied from npm by
``scripts/vendor_graphiql``, pinned by ``scripts/graphiql/package-lock.json``, licences beside
them) and names no other host.

It opens with one tab per example in ``docs/queries/`` (those without required variables first;
a ``businessId`` variable is filled with the first business's id, which a demo database has).
``?headers={"Authorization": "Bearer …"}`` (the link ``runway demo`` prints) fills the Headers
tab and is then removed from the address bar; headers are never stored in the browser's
localStorage, so a token does not outlive the tab.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from schema.relay import global_id

STATIC_DIR = Path(__file__).resolve().parent / "static"
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "docs" / "queries"
ASSETS = "/static/graphiql"

_REQUIRED_VARIABLE = re.compile(r"\$(\w+)\s*:\s*[\w\[\]]+!")


@dataclass(frozen=True)
class Example:
    """One tab: a query and the variables it opens with."""

    name: str
    query: str
    variables: str


def load_examples(directory: Path = EXAMPLES_DIR) -> list[Example]:
    """The example queries in ``directory`` (none if it isn't there, e.g. installed without
    the repository), those needing no variables first."""
    examples = []
    for path in sorted(directory.glob("*.graphql")) if directory.is_dir() else ():
        query = path.read_text(encoding="utf-8")
        required = _REQUIRED_VARIABLE.findall(query)
        variables = {name: global_id("Business", 1) for name in required if name == "businessId"}
        examples.append(
            Example(path.stem, query, json.dumps(variables, indent=2) if variables else "")
        )
    return sorted(examples, key=lambda example: (bool(example.variables), example.name))


def graphiql_html(examples: list[Example]) -> str:
    """The page, with ``examples`` as its first tabs."""
    tabs = [{"query": example.query, "variables": example.variables} for example in examples]
    # JSON inside <script>: escape "<" so no example can close the element.
    data = json.dumps(tabs).replace("<", "\\u003c")
    return _PAGE.replace("{ASSETS}", ASSETS).replace("{TABS}", data)


_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Runway GraphiQL</title>
    <link rel="stylesheet" href="{ASSETS}/graphiql.min.css" />
    <style>
      body { margin: 0; height: 100vh; overflow: hidden; }
      #graphiql { height: 100vh; }
    </style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="{ASSETS}/react.production.min.js"></script>
    <script src="{ASSETS}/react-dom.production.min.js"></script>
    <script src="{ASSETS}/graphiql.min.js"></script>
    <script id="runway-examples" type="application/json">{TABS}</script>
    <script>
      const examples = JSON.parse(document.getElementById("runway-examples").textContent);
      const parameters = new URLSearchParams(window.location.search);
      const headers = parameters.get("headers") || "";
      if (parameters.has("headers")) {
        // The token was in the link: keep it in the editor, not in the address bar or history.
        parameters.delete("headers");
        const rest = parameters.toString();
        window.history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : ""));
      }
      const tabs = examples.map((example) => ({ ...example, headers }));
      const fetcher = GraphiQL.createFetcher({
        url: window.location.origin + window.location.pathname,
      });
      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(GraphiQL, {
          fetcher,
          defaultTabs: tabs.length ? tabs : undefined,
          defaultHeaders: headers || undefined,
          defaultEditorToolsVisibility: headers ? "headers" : true,
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: false,
        }),
      );
    </script>
  </body>
</html>
"""
