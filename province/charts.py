"""Charts drawn on the server as inline SVG (no script, no CDN: nothing outside the machine can be
reached), with Vietnamese labels and the numbers written beside the bars."""

from __future__ import annotations

from html import escape

COLOURS = ("#1f6f8b", "#99a8b2", "#e6a400", "#3c8d2f", "#b83b5e", "#6a4c93", "#2a9d8f", "#8d6e63")


def bars(title: str, items: list[tuple[str, int]], *, unit: str = "", width: int = 560) -> str:
    """A horizontal bar chart; the empty chart says so instead of drawing nothing."""
    row, label_w = 26, 220
    top = max((v for _, v in items), default=0)
    if top == 0:
        items = []          # the message alone: zero bars drawn over it would be unreadable
    height = 34 + row * max(1, len(items))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" class="chart"><title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    if not items:
        parts.append('<text x="0" y="46" font-size="12" fill="#555">Chưa có dữ liệu trong khoảng thời gian này</text>')
    for i, (label, value) in enumerate(items):
        y = 30 + i * row
        length = 0 if top == 0 else int((width - label_w - 70) * value / top)
        text = str(label) if len(str(label)) <= 30 else str(label)[:29] + "…"
        parts.append(f'<text x="0" y="{y + 15}" font-size="12"><title>{escape(str(label))}</title>{escape(text)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{max(length, 1)}" height="16" '
                     f'fill="{COLOURS[i % len(COLOURS)]}"/>')
        parts.append(f'<text x="{label_w + length + 6}" y="{y + 15}" font-size="12">{value:,}{escape(unit)}</text>'
                     .replace(",", "."))
    parts.append("</svg>")
    return "".join(parts)
