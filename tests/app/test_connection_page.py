"""Which callback answer a client gets: HTML for browsers, JSON for clients that prefer it."""

import pytest

from app.connection_page import prefers_json


@pytest.mark.parametrize(
    ("accept", "json"),
    [
        ("", False),
        ("*/*", False),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),
        ("application/json", True),
        ("Application/JSON", True),
        ("application/json, text/plain, */*", True),
        ("text/html;q=0.5, application/json", True),
        ("application/json;q=0.4, text/html;q=0.9", False),
        ("application/json;q=0", False),
        ("application/json;q=abc", False),
        ("application/json; charset=utf-8; q=0.8", True),
    ],
)
def test_json_only_when_ranked_above_html(accept: str, json: bool) -> None:
    assert prefers_json(accept) is json
