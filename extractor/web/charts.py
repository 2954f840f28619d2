"""Small horizontal bar charts as inline SVG, built here so the report needs no chart library or network."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

BAR_HEIGHT = 18
LABEL_WIDTH = 190
BAR_WIDTH = 170
NOTE_WIDTH = 270


def bar_chart(title: str, bars: Sequence[tuple[str, float, str]], css_class: str = "", log: bool = False) -> Markup:
    """One chart: (label, length, text shown at the bar's end) per bar, in the order given.

    `log` scales lengths by log10(1 + length): one 600× claim would flatten every 2× bar beside it.
    Every text goes through escape(): labels are task names read from untrusted abstracts."""
    if log:
        bars = [(label, math.log10(1 + length), note) for label, length, note in bars]
    top = max((length for _, length, _ in bars), default=0) or 1
    height = BAR_HEIGHT * max(len(bars), 1) + 4
    width = LABEL_WIDTH + BAR_WIDTH + NOTE_WIDTH
    rows = []
    for i, (label, length, note) in enumerate(bars):
        y = i * BAR_HEIGHT
        shown = label if len(label) <= 28 else label[:27] + "…"
        w = max(1.0, BAR_WIDTH * length / top)
        rows.append(
            f'<g><title>{escape(label)}: {escape(note)}</title>'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 2}" width="{w:.1f}" height="{BAR_HEIGHT - 5}" class="bar {escape(css_class)}"></rect>'
            f'<text x="{LABEL_WIDTH + w + 4:.1f}" y="{y + 13}" class="note">{escape(note)}</text></g>')
    if not bars:
        rows.append('<text x="4" y="14">nothing to show</text>')
    return Markup(
        f'<figure class="chart"><figcaption>{escape(title)}</figcaption>'
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        + "".join(rows) + "</svg></figure>")
