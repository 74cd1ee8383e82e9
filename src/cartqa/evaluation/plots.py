"""Pictures of evaluation figures as plain SVG text (no plotting library needed).

>>> svg = calibration_svg([{"predicted": 0.9, "right": 0.8, "n": 10}])
>>> svg.startswith("<svg") and "circle" in svg
True
"""

from __future__ import annotations

from collections.abc import Sequence

SIZE, PAD = 360, 48


def calibration_svg(bins: Sequence[dict], title: str = "Calibration of the reader's confidence") -> str:
    """A reliability diagram: each bin's mean predicted probability against the share that was right
    (dot area by the number of questions); the diagonal is perfect calibration."""
    inner = SIZE - 2 * PAD

    def x(p: float) -> float:
        return PAD + p * inner

    def y(p: float) -> float:
        return SIZE - PAD - p * inner

    total = max(1, sum(b["n"] for b in bins))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
             f'viewBox="0 0 {SIZE} {SIZE}" font-family="sans-serif" font-size="11">',
             f'<rect width="{SIZE}" height="{SIZE}" fill="white"/>',
             f'<text x="{SIZE / 2}" y="20" text-anchor="middle" font-size="13">{title}</text>',
             f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#999" stroke-dasharray="4 3"/>',
             f'<rect x="{PAD}" y="{PAD}" width="{inner}" height="{inner}" fill="none" stroke="#333"/>']
    for t in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<text x="{x(t)}" y="{SIZE - PAD + 16}" text-anchor="middle">{t:g}</text>')
        parts.append(f'<text x="{PAD - 6}" y="{y(t) + 4}" text-anchor="end">{t:g}</text>')
    parts.append(f'<text x="{SIZE / 2}" y="{SIZE - 10}" text-anchor="middle">predicted probability of the best '
                 'candidate</text>')
    parts.append(f'<text x="14" y="{SIZE / 2}" text-anchor="middle" transform="rotate(-90 14 {SIZE / 2})">'
                 'share right</text>')
    points = [(x(b["predicted"]), y(b["right"]), b["n"]) for b in bins]
    if len(points) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f5fbf" stroke-width="1.5"/>')
    for px, py, n in points:
        r = 2.5 + 10 * (n / total) ** 0.5
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{r:.1f}" fill="#1f5fbf" fill-opacity="0.6"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
