"""What the business owner's browser shows when Intuit sends it back to ``/qbo/callback``.

The owner arrives here from Intuit's consent screen, in a browser: the answer is a small HTML page
saying what happened (connected, which company, first sync started) or what went wrong and what
to do next. A client that asks for JSON (``Accept: application/json`` preferred over HTML) gets
the same outcome as JSON.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

TEMPLATE = "connection.html.j2"


@dataclass(frozen=True)
class ConnectionPage:
    """One outcome of the callback, in the words the owner reads."""

    status: int
    title: str
    next_step: str
    """What to do now (close the window, or how to try again)."""
    paragraphs: tuple[str, ...] = ()
    connected: bool = False
    json: dict[str, object] = field(default_factory=dict)
    """The JSON answer, for clients that ask for it."""


def connected_page(*, business_id: int, name: str) -> ConnectionPage:
    """The company is connected and its first sync has started."""
    return ConnectionPage(
        status=200,
        title="QuickBooks is connected",
        paragraphs=(
            f"{name} is now connected to Runway.",
            "Its first sync has started: Runway is reading its books from QuickBooks Online. "
            "Its hygiene tray, decision console and digest fill in as soon as it finishes, "
            "usually within a few minutes.",
        ),
        next_step="You can close this window.",
        connected=True,
        json={"status": "connected", "businessId": business_id, "name": name},
    )


def failed_page(status: int, problem: str, next_step: str) -> ConnectionPage:
    """The connection did not happen: why, and what to do."""
    return ConnectionPage(
        status=status,
        title="QuickBooks did not connect",
        paragraphs=(problem,),
        next_step=next_step,
        json={"status": "error", "message": problem, "nextStep": next_step},
    )


START_AGAIN = (
    "Ask your Runway administrator for a new connection link (they create one with "
    "'runway qbo connect'), open it within 15 minutes, and approve access in QuickBooks."
)


def respond(request: Request, page: ConnectionPage) -> Response:
    """The page as HTML, or as JSON for a client that prefers it."""
    if prefers_json(request.headers.get("accept", "")):
        return JSONResponse(page.json, status_code=page.status)
    html = _environment().get_template(TEMPLATE).render(page=page)
    return HTMLResponse(html, status_code=page.status)


def prefers_json(accept: str) -> bool:
    """Whether an ``Accept`` header ranks ``application/json`` above ``text/html``.

    A browser asks for ``text/html`` first; an API client asks for JSON (often alone). Only the
    two types matter here, so ``*/*`` or a missing header means HTML.
    """
    quality = {"application/json": 0.0, "text/html": 0.0}
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if media.lower() not in quality:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        quality[media.lower()] = max(quality[media.lower()], q)
    return quality["application/json"] > quality["text/html"]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("app", "templates"),
        autoescape=select_autoescape(default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
