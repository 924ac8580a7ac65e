"""The digest's HTML part read as a mail client lays it out, and the checks that it reads on a
390 px phone (an iPhone 12-15 is 390 CSS pixels wide).

The HTML is parsed into a small tree with the standard library's parser. Comments are dropped, so
the ``[if mso]`` ghost table that only Outlook for Windows reads (a desktop client, never 390 px
wide) is not part of what is checked, as no other client sees it.
"""

import html as markup
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

PHONE = 390
"""CSS pixels of the narrow screen the e-mail must read on."""
MIN_FONT_PX = 12
GLYPH_EM = 0.6
"""An estimate of a character's width in a sans-serif face, in ems: Helvetica's digits are
0.556em, its average lower-case letter about 0.5em; bold and capitals get more below."""
_VOID = frozenset({"area", "base", "br", "col", "hr", "img", "input", "link", "meta", "wbr"})
_BREAKS = re.compile(r"[ \t\r\n]+")  # not \xa0: a no-break space joins what it sits between


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)

    @property
    def style(self) -> dict[str, str]:
        pairs = (part.split(":", 1) for part in self.attrs.get("style", "").split(";"))
        return {pair[0].strip(): pair[1].strip() for pair in pairs if len(pair) == 2}

    def walk(self) -> Iterator["Element"]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def texts(self, *, into_tables: bool = True) -> Iterator[tuple[str, "Element"]]:
        """Each text node with the element holding it."""
        for child in self.children:
            if isinstance(child, str):
                yield child, self
            elif into_tables or child.tag != "table":
                yield from child.texts(into_tables=into_tables)

    def rows(self) -> list["Element"]:
        """A table's own rows (through ``tbody``, not nested tables)."""
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child.tag == "tr":
                    found.append(child)
                elif child.tag in ("tbody", "thead", "tfoot"):
                    found.extend(child.rows())
        return found

    def cells(self) -> list["Element"]:
        return [c for c in self.children if isinstance(c, Element) and c.tag in ("td", "th")]

    def inherited(self, name: str) -> str | None:
        """A CSS property as it cascades: this element's, else the nearest ancestor's."""
        node: Element | None = self
        while node is not None:
            if name in node.style:
                return node.style[name]
            node = node.parent
        return None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def bar_rows(html: str) -> list[tuple[str, list[tuple[int, str, bool]]]]:
    """The chart's bars: each week's title and its cells as (percent width, colour, whether the
    zero line runs along an edge)."""
    bars = []
    for table in parse(html).walk():
        if table.tag == "table" and table.attrs.get("title", "").startswith("Week of "):
            (row,) = table.rows()
            cells = []
            for cell in row.cells():
                width, colour = cell.attrs["width"], cell.attrs["bgcolor"]
                assert width.endswith("%") and cell.style["width"] == width
                assert cell.style["background-color"] == colour
                zero = any(cell.style.get(f"border-{side}") for side in ("left", "right"))
                cells.append((int(width.removesuffix("%")), colour, zero))
            bars.append((table.attrs["title"], cells))
    return bars


def check_phone_layout(html: str) -> None:
    """Fails unless ``html`` reads at 390 px: no text under 12px, every width a percentage (a
    max-width may cap it), one column, and no row whose unbreakable text is wider than the
    screen leaves it."""
    root = parse(html)
    elements = list(root.walk())
    sizes = [_px(e.style["font-size"]) for e in elements if "font-size" in e.style]
    assert sizes and min(sizes) >= MIN_FONT_PX, sorted(set(sizes))
    assert not [e.tag for e in elements if e.tag in ("font", "small", "svg", "img")]
    for element in elements:
        width = element.attrs.get("width", element.style.get("width"))
        assert width is None or width.endswith("%"), (element.tag, element.attrs)
        assert element.style.get("width", "%").endswith("%"), (element.tag, element.attrs)
        for fixed in ("min-width", "float", "position"):
            assert fixed not in element.style, (element.tag, element.attrs)
        # Side by side boxes (tiles) would need a media query to stack: only text is inline.
        if element.style.get("display") == "inline-block":
            assert element.tag == "span", (element.tag, element.attrs)
    (card,) = [e for e in elements if e.tag == "table" and "max-width" in e.style]
    assert card.attrs["width"] == "100%" and card.style["width"] == "100%"
    assert all(len(row.cells()) == 1 for row in card.rows()), "one column: a cell a row"
    for row in (e for e in elements if e.tag == "tr"):
        if any(cell.tag == "table" for c in row.cells() for cell in c.walk() if cell is not c):
            continue  # a row of nested tables: their own rows are checked
        needed = sum(_sides(cell, "padding") + _unbreakable(cell) for cell in row.cells())
        assert needed <= _room(row), (round(needed), _room(row), _row_text(row))


def _px(value: str) -> float:
    """A CSS length in px (``0`` may go without its unit)."""
    if value == "0":
        return 0.0
    match = re.fullmatch(r"(\d+(?:\.\d+)?)px", value)
    assert match, f"not a px length: {value!r}"
    return float(match[1])


def _sides(element: Element, box: str) -> float:
    """Left plus right ``padding`` (or border width) of ``element``, from its shorthands."""
    style = element.style
    if box == "border":
        whole = style.get("border", "0")
        edges = (style.get(f"border-{side}", whole) for side in ("left", "right"))
        return sum(_px(edge.split()[0]) for edge in edges)
    parts = style.get(box, "0").split()
    left, right = {1: (0, 0), 2: (1, 1), 3: (1, 1), 4: (3, 1)}[len(parts)]
    return sum(
        _px(style.get(f"{box}-{side}", parts[index]))
        for side, index in (("left", left), ("right", right))
    )


def _unbreakable(cell: Element) -> float:
    """The widest run of text in ``cell`` that cannot wrap: a whole no-wrap text, else a word."""
    widest = 0.0
    for text, holder in cell.texts(into_tables=False):
        nowrap = holder.inherited("white-space") == "nowrap"
        runs = [text.strip()] if nowrap else _BREAKS.split(text)
        size = _px(holder.inherited("font-size") or "16px")
        em = GLYPH_EM
        if (holder.inherited("font-weight") or "400") in ("600", "700", "bold"):
            em += 0.05
        if holder.inherited("text-transform") == "uppercase":
            em += 0.15
        widest = max([widest, *(len(run) * em * size for run in runs)])
    return widest


def _room(row: Element) -> float:
    """What is left of the phone's width for ``row``: minus every enclosing cell's padding and
    border, every enclosing table's border."""
    room = float(PHONE)
    node = row.parent
    while node is not None:
        if node.tag == "td":
            room -= _sides(node, "padding") + _sides(node, "border")
        elif node.tag == "table":
            room -= _sides(node, "border")
        node = node.parent
    return room


def _row_text(row: Element) -> str:
    return " | ".join(" ".join("".join(t for t, _ in c.texts()).split()) for c in row.cells())


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="phone" width="%(width)d" height="800" style="border:0" srcdoc="%(email)s"></iframe>
<script>
document.getElementById("phone").onload = function () {
  var page = this.contentDocument, view = this.contentWindow, sizes = [];
  page.querySelectorAll("body *").forEach(function (element) {
    var text = Array.prototype.some.call(element.childNodes, function (node) {
      return node.nodeType === 3 && node.textContent.trim();
    });
    if (text && element.getClientRects().length) {
      sizes.push(parseFloat(view.getComputedStyle(element).fontSize));
    }
  });
  document.body.setAttribute("data-probe", JSON.stringify({
    viewport: page.documentElement.clientWidth,
    content: page.documentElement.scrollWidth,
    smallest_font: Math.min.apply(null, sizes),
    texts: sizes.length
  }));
};
</script></body></html>"""


def browser() -> str | None:
    """A Chromium on this machine, if any (not a project dependency: the check that uses it is
    skipped without one)."""
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def measure_in_browser(html: str, workdir: Path, executable: str) -> dict[str, float]:
    """Lay ``html`` out in headless Chromium in a 390 px wide frame (a real viewport: the window
    itself cannot be made that narrow) and read back its content width and smallest text.

    The e-mail is put in the frame's ``srcdoc``, so the probe script lives outside it: the e-mail
    itself has no script.
    """
    page = workdir / "phone.html"
    page.write_text(
        _PROBE % {"width": PHONE, "email": markup.escape(html, quote=True)}, encoding="utf-8"
    )
    dom = subprocess.run(  # noqa: S603  (a browser found on PATH, fixed arguments)
        [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=600,900",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    match = re.search(r'data-probe="([^"]*)"', dom)
    assert match, "the probe did not run"
    measured: dict[str, float] = json.loads(markup.unescape(match[1]))
    return measured
