"""PDF building for certificates (结业证书) and the learning record, with reportlab.

Chinese is set in STSong-Light, one of the CJK CID fonts every PDF reader ships, so nothing is
downloaded or embedded and a certificate stays a few kilobytes. The QR code is reportlab's own
encoder. `certificate_pdf` takes plain data, so it can be benchmarked without a database.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
RED = colors.HexColor("#b71c1c")
INK = colors.HexColor("#212121")
MUTED = colors.HexColor("#616161")

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def mask_name(name: str) -> str:
    """Show enough of a name to recognise it and not enough to learn it: 张*, 李*明, 欧阳**明."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep - 1) + name[-1]


@dataclass(frozen=True)
class CertificateData:
    number: str
    name: str
    title: str
    kind_label: str
    hours: Decimal
    completed_on: date
    issued_on: date
    issuer: str
    verify_url: str


def certificate_data(certificate, *, verify_url: str) -> CertificateData:
    from django.utils import timezone

    return CertificateData(
        number=certificate.number,
        name=certificate.name,
        title=certificate.title,
        kind_label=str(certificate.get_kind_display()),
        hours=certificate.hours,
        completed_on=certificate.completed_on,
        issued_on=timezone.localtime(certificate.issued_at).date(),
        issuer=certificate.issuer,
        verify_url=verify_url,
    )


def _qr(canvas_: canvas.Canvas, url: str, *, x: float, y: float, size: float, border: int = 2) -> None:
    """Draw the QR code for `url` with reportlab's encoder, one filled path of dark runs.

    The QrCodeWidget makes a shape per run and lays it out twice; drawing the runs straight
    onto the page is the same picture at a fraction of the cost.
    """
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    count = code.getModuleCount()
    box = size / (count + 2 * border)
    path = canvas_.beginPath()
    for r, row in enumerate(code.modules):
        c = 0
        for dark, run in itertools.groupby(bool(m) for m in row):
            length = len(list(run))
            if dark:
                path.rect(x + (c + border) * box, y + size - (r + border + 1) * box, length * box, box)
            c += length
    canvas_.setFillColor(colors.black)
    canvas_.drawPath(path, stroke=0, fill=1)


def certificate_pdf(data: CertificateData) -> bytes:
    """One A4 landscape page: title, the sentence of completion, number, issuer, QR code to verify."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    page = canvas.Canvas(buffer, pagesize=(width, height), invariant=True)
    page.setTitle(f"{_('Certificate of completion')} {data.number}")
    page.setAuthor(data.issuer)

    page.setStrokeColor(RED)
    page.setLineWidth(4)
    page.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    page.setLineWidth(1)
    page.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    page.setFillColor(RED)
    page.setFont(FONT, 40)
    page.drawCentredString(width / 2, height - 52 * mm, _("Certificate of completion"))
    page.setFillColor(MUTED)
    page.setFont(FONT, 11)
    page.drawRightString(width - 26 * mm, height - 26 * mm, _("No. %(number)s") % {"number": data.number})

    body = ParagraphStyle("body", fontName=FONT, fontSize=18, leading=32, textColor=INK, wordWrap="CJK")
    sentence = _(
        "%(name)s completed %(kind)s “%(title)s” on %(date)s, earning %(hours)s credit hours, "
        "and is awarded this certificate."
    ) % {
        "name": f"<font size=22><b>{_escape(data.name)}</b></font>",
        "kind": _escape(data.kind_label),
        "title": _escape(data.title),
        "date": date_format(data.completed_on, "DATE_FORMAT"),
        "hours": data.hours,
    }
    frame = Frame(40 * mm, 70 * mm, width - 80 * mm, height - 140 * mm, showBoundary=0)
    frame.addFromList([Paragraph(sentence, body)], page)

    page.setFillColor(INK)
    page.setFont(FONT, 14)
    page.drawRightString(width - 40 * mm, 48 * mm, data.issuer)
    page.drawRightString(width - 40 * mm, 38 * mm, date_format(data.issued_on, "DATE_FORMAT"))

    _qr(page, data.verify_url, x=28 * mm, y=26 * mm, size=32 * mm)
    page.setFillColor(MUTED)
    page.setFont(FONT, 9)
    page.drawString(62 * mm, 40 * mm, _("Scan to verify, or open:"))
    page.drawString(62 * mm, 34 * mm, data.verify_url)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def record_pdf(record, *, rows_label: dict) -> bytes:
    """The learning record of one cadre's year as an A4 document of tables."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Learning record %(year)s") % {"year": record.year},
        author=record.cadre.name,
        invariant=True,
    )
    title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, alignment=TA_CENTER, textColor=RED)
    heading = ParagraphStyle("heading", fontName=FONT, fontSize=13, leading=20, spaceBefore=8, textColor=INK)
    text = ParagraphStyle("text", fontName=FONT, fontSize=9.5, leading=13, wordWrap="CJK")

    def table(header: list[str], rows: list[list], widths: list[float]) -> Table:
        cells = [[Paragraph(_escape(h), text) for h in header]]
        cells += [[Paragraph(_escape(value), text) for value in row] for row in rows]
        grid = Table(cells, colWidths=[w * mm for w in widths], repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#bdbdbd")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f5f5f5")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return grid

    cadre = record.cadre
    story = [
        Paragraph(_escape(_("Learning record %(year)s") % {"year": record.year}), title),
        Spacer(1, 4 * mm),
        Paragraph(
            _escape(f"{cadre.name} · {cadre.unit.name} · {cadre.get_category_display()} · {cadre.get_rank_display()}"),
            text,
        ),
        Paragraph(
            _escape(
                _("Credit hours %(hours)s of %(target)s; training days %(days)s.")
                % {"hours": record.hours, "target": record.target_hours, "days": record.training_days}
            ),
            text,
        ),
        Paragraph(_escape(_("Hours by source")), heading),
        table([rows_label["source"], rows_label["hours"]], [[s.label, s.hours] for s in record.by_source], [60, 30]),
        Paragraph(_escape(_("Credit-hour ledger")), heading),
        table(
            [rows_label["date"], rows_label["source"], rows_label["what"], rows_label["hours"], rows_label["rule"]],
            [
                [
                    date_format(row.entry.earned_at, "SHORT_DATE_FORMAT"),
                    row.entry.get_source_display(),
                    row.entry.description,
                    row.entry.hours,
                    row.rule_text,
                ]
                for row in record.ledger
            ],
            [24, 24, 62, 14, 54],
        ),
        Paragraph(_escape(_("Quiz results")), heading),
        table(
            [rows_label["what"], rows_label["score"], rows_label["passed"]],
            [
                [q.title, q.best_percent if q.best_percent is not None else "—", _("Yes") if q.passed else _("No")]
                for q in record.quizzes
            ],
            [100, 40, 38],
        ),
        Paragraph(_escape(_("Training batches")), heading),
        table(
            [rows_label["what"], rows_label["date"], rows_label["outcome"]],
            [
                [
                    f"{s.programme.name} · {s.batch}",
                    f"{s.batch.starts_on:%Y-%m-%d} – {s.batch.ends_on:%Y-%m-%d}",
                    s.get_outcome_display(),
                ]
                for s in record.seats
            ],
            [90, 50, 38],
        ),
        Paragraph(_escape(_("Certificates")), heading),
        table(
            [rows_label["number"], rows_label["what"], rows_label["date"]],
            [[c.number, c.title, date_format(c.completed_on, "SHORT_DATE_FORMAT")] for c in record.certificates],
            [40, 100, 38],
        ),
    ]
    document.build(story)
    return buffer.getvalue()
