"""QR codes drawn as SVG from reportlab's QR encoder: plain text in, SVG text out, no Django.

reportlab is already a dependency (certificates), so check-in codes need no extra library.
The SVG is one path of dark modules on a white square with the standard 4-module quiet zone;
it scales to any size without blurring, for a phone screen, a projector or paper.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from reportlab.graphics.barcode import qrencoder

QUIET_ZONE = 4


def qr_matrix(text: str, *, level: str = "M") -> list[list[bool]]:
    """The QR symbol for `text` as rows of modules, True for dark (level M survives a smudged screen)."""
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    code.addData(text)
    code.make()
    return [[bool(module) for module in row] for row in code.modules]


def qr_svg(text: str, *, label: str = "", level: str = "M") -> str:
    """An SVG image of the QR code for `text`; `label` is its accessible name."""
    matrix = qr_matrix(text, level=level)
    size = len(matrix) + 2 * QUIET_ZONE
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h-{x - start}z")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges" '
        f'role="img" aria-label={quoteattr(label)}>'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )
