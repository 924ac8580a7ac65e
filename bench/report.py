"""Plain-text tables for benchmark results, written to standard output."""

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal


def cell(value: object) -> str:
    """A value as a table shows it: floats to 3 significant digits, ints grouped."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float | Decimal):
        number = float(value)
        if number == 0:
            return "0"
        if abs(number) >= 100:
            return f"{number:,.0f}"
        return f"{number:.3g}"
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@dataclass
class Table:
    """A titled table with notes under it."""

    title: str
    columns: Sequence[str]
    rows: list[Sequence[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def column(self, name: str) -> list[object]:
        """Every row's value in the column ``name``."""
        index = list(self.columns).index(name)
        return [row[index] for row in self.rows]

    def render(self) -> str:
        cells = [[cell(value) for value in row] for row in self.rows]
        widths = [
            max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(self.columns)
        ]
        lines = [f"## {self.title}", ""]
        lines.append("  ".join(name.ljust(w) for name, w in zip(self.columns, widths, strict=True)))
        lines.append("  ".join("-" * w for w in widths))
        for raw, row in zip(self.rows, cells, strict=True):
            lines.append(
                "  ".join(
                    text.rjust(w) if _is_number(value) else text.ljust(w)
                    for value, text, w in zip(raw, row, widths, strict=True)
                ).rstrip()
            )
        if self.notes:
            lines.append("")
            lines.extend(self.notes)
        return "\n".join(lines) + "\n"


def emit(text: str) -> None:
    """Write ``text`` to standard output at once (progress goes to standard error)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"
