"""Render a digest snapshot as an e-mail: subject, HTML part and plain-text part.

HTML is autoescaped (a business, vendor or customer name comes from QBO and may hold anything);
the plain-text part is not HTML, so escaping it would print ``&amp;`` to the reader.
``StrictUndefined`` makes a misspelt template variable an error in tests, not a blank in an
owner's inbox.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from resolvers.digest_render.view import digest_view

HTML_TEMPLATE = "digest.html.j2"
TEXT_TEMPLATE = "digest.txt.j2"


@dataclass(frozen=True)
class RenderedDigest:
    """One digest as an e-mail's parts."""

    subject: str
    html: str
    text: str


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """The templates shipped in this package (one environment: templates are compiled once)."""
    return Environment(
        loader=PackageLoader("resolvers.digest_render", "templates"),
        # Escape by default; only the plain-text template is left alone.
        autoescape=select_autoescape(
            enabled_extensions=("html.j2",),
            disabled_extensions=("txt.j2",),
            default_for_string=True,
            default=True,
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_digest(snapshot: Mapping[str, Any]) -> RenderedDigest:
    """The e-mail of a snapshot made by ``digest_snapshot`` (stored ones re-render the same)."""
    view = digest_view(snapshot)
    environment = template_environment()
    return RenderedDigest(
        subject=view.subject,
        html=environment.get_template(HTML_TEMPLATE).render(view=view),
        text=environment.get_template(TEXT_TEMPLATE).render(view=view),
    )
