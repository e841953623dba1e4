"""Lay out the organisation chart of the bodies as boxes and connectors for inline SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from committees.models import Body

WIDTH = 960
BOX_HEIGHT = 64
ROW_GAP = 44
GAP = 16
MAX_BOX_WIDTH = 300
# Characters that fit on one line of a box of a given width at the chart's font size.
CHAR_WIDTH = 7.2


# Colours as SVG presentation attributes: WeasyPrint's SVG renderer does not apply page CSS.
ACCENT = "#0b5d4b"
PALETTE = {
    "national": ("#f1f3f5", "#6c757d", "#1f2d2a"),
    "working_group": (ACCENT, ACCENT, "#ffffff"),
}
DEFAULT_COLOURS = ("#ffffff", ACCENT, "#1f2d2a")


@dataclass(frozen=True)
class Box:
    body: Body
    x: float
    y: float
    width: float
    lines: tuple[str, ...]

    @property
    def fill(self) -> str:
        return PALETTE.get(self.body.kind, DEFAULT_COLOURS)[0]

    @property
    def stroke(self) -> str:
        return PALETTE.get(self.body.kind, DEFAULT_COLOURS)[1]

    @property
    def text_fill(self) -> str:
        return PALETTE.get(self.body.kind, DEFAULT_COLOURS)[2]

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + BOX_HEIGHT

    @property
    def first_line_y(self) -> float:
        return self.y + BOX_HEIGHT / 2 - (len(self.lines) - 1) * 9 + 5


@dataclass(frozen=True)
class Connector:
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def mid_y(self) -> float:
        return (self.y1 + self.y2) / 2


@dataclass(frozen=True)
class OrgChart:
    width: int
    height: int
    boxes: list[Box]
    connectors: list[Connector]

    @property
    def rows(self) -> list[list[Box]]:
        """Boxes row by row, each row in reading order (right to left)."""
        rows: dict[float, list[Box]] = {}
        for box in self.boxes:
            rows.setdefault(box.y, []).append(box)
        return [sorted(rows[y], key=lambda b: -b.x) for y in sorted(rows)]


def _wrap(text: str, width: float) -> tuple[str, ...]:
    limit = max(int((width - 16) / CHAR_WIDTH), 8)
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if len(candidate) > limit and current:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > 3:
        lines = [*lines[:2], " ".join(lines[2:])]
    return tuple(lines)


def org_chart(bodies: Sequence[Body]) -> OrgChart:
    """Rows by depth in the tree, right to left in each row as Persian reads."""
    by_id = {b.pk: b for b in bodies}

    def depth(body: Body) -> int:
        level, node, seen = 0, body, set()
        while node.parent_id in by_id and node.pk not in seen:
            seen.add(node.pk)
            node = by_id[node.parent_id]
            level += 1
        return level

    rows: dict[int, list[Body]] = {}
    for body in bodies:
        rows.setdefault(depth(body), []).append(body)
    boxes: dict[int, Box] = {}
    for level in sorted(rows):
        row = rows[level]
        width = min(MAX_BOX_WIDTH, (WIDTH - GAP * (len(row) + 1)) / len(row))
        total = len(row) * width + (len(row) - 1) * GAP
        right = (WIDTH + total) / 2
        y = GAP + level * (BOX_HEIGHT + ROW_GAP)
        for index, body in enumerate(row):
            x = right - (index + 1) * width - index * GAP
            boxes[body.pk] = Box(body, x, y, width, _wrap(body.name, width))
    connectors = [
        Connector(boxes[b.parent_id].cx, boxes[b.parent_id].bottom, boxes[b.pk].cx, boxes[b.pk].y)
        for b in bodies
        if b.parent_id in boxes
    ]
    height = GAP * 2 + len(rows) * BOX_HEIGHT + (len(rows) - 1) * ROW_GAP if rows else 0
    return OrgChart(WIDTH, int(height), list(boxes.values()), connectors)
