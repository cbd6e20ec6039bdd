"""Small server-rendered SVG charts (no script, no library): bars for a series of values."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD, BOTTOM = 640, 200, 28, 34


def bar_chart(points: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> Markup:
    """Bars with their value on top and every n-th label below; an empty series says so."""
    safe_title = escape(title)
    if not points:
        return Markup(
            f'<svg class="chart" viewBox="0 0 {WIDTH} 60" role="img" aria-label="{safe_title}">'
            f'<text x="{WIDTH // 2}" y="35" text-anchor="middle" fill="#5f6b7a">'
            f"{safe_title}：暂无数据</text></svg>"
        )
    top = max(v for _, v in points) or 1.0
    inner_w = WIDTH - 2 * PAD
    inner_h = HEIGHT - PAD - BOTTOM
    step = inner_w / len(points)
    bar_w = max(step * 0.7, 1.0)
    every = max(1, len(points) // 8)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{safe_title}">',
        f"<title>{safe_title}</title>",
        f'<text x="{PAD}" y="16" font-size="13" fill="#1f2933">{safe_title}</text>',
        f'<line x1="{PAD}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - PAD}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#d9dee5"/>',
    ]
    for i, (label, value) in enumerate(points):
        h = inner_h * (value / top)
        x = PAD + i * step + (step - bar_w) / 2
        y = HEIGHT - BOTTOM - h
        shown = f"{value:g}{unit}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#b3261e">'
            f"<title>{escape(label)}：{escape(shown)}</title></rect>"
        )
        if len(points) <= 16:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="11" '
                f'text-anchor="middle" fill="#1f2933">{escape(shown)}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="11" '
                f'text-anchor="middle" fill="#5f6b7a">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
