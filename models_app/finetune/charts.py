"""The loss curve as server-rendered SVG (no charting script, nothing from a CDN)."""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD = 480, 180, 32
MAX_POINTS = 400


def _thinned(points: list) -> list:
    if len(points) <= MAX_POINTS:
        return points
    stride = len(points) / MAX_POINTS
    kept = [points[int(i * stride)] for i in range(MAX_POINTS)]
    return kept + [points[-1]]


def loss_chart(points: list) -> str:
    """An SVG line chart of [step, loss] points, or "" when there are none."""
    points = _thinned([p for p in points if isinstance(p, list | tuple) and len(p) == 2])
    if not points:
        return ""
    steps = [float(p[0]) for p in points]
    losses = [float(p[1]) for p in points]
    low, high = min(losses), max(losses)
    first, last = min(steps), max(steps)
    span_x = (last - first) or 1.0
    span_y = (high - low) or 1.0

    def x(step):
        return PAD + (step - first) / span_x * (WIDTH - 2 * PAD)

    def y(loss):
        return HEIGHT - PAD - (loss - low) / span_y * (HEIGHT - 2 * PAD)

    line = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in zip(steps, losses, strict=True))
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="2"><title>{}</title></circle>',
        (
            (f"{x(s):.1f}", f"{y(v):.1f}", f"{int(s)}: {v:.4f}")
            for s, v in zip(steps[-50:], losses[-50:], strict=True)
        ),
    )
    return format_html(
        '<svg class="loss-chart" data-testid="loss-chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{label}" data-points="{count}">'
        '<line class="axis" x1="{p}" y1="{bottom}" x2="{right}" y2="{bottom}"/>'
        '<line class="axis" x1="{p}" y1="{p}" x2="{p}" y2="{bottom}"/>'
        '<text x="4" y="{p}" class="tick">{high}</text>'
        '<text x="4" y="{bottom}" class="tick">{low}</text>'
        '<text x="{p}" y="{h_minus}" class="tick">{first}</text>'
        '<text x="{right}" y="{h_minus}" class="tick" text-anchor="end">{last}</text>'
        '<polyline class="loss-line" points="{line}"/>{dots}</svg>',
        w=WIDTH,
        h=HEIGHT,
        p=PAD,
        bottom=HEIGHT - PAD,
        right=WIDTH - PAD,
        h_minus=HEIGHT - 8,
        label=_("Training loss by step"),
        count=len(points),
        high=f"{high:.3g}",
        low=f"{low:.3g}",
        first=int(first),
        last=int(last),
        line=line,
        dots=dots,
    )
