"""Activation slips as files: an .xlsx list and a PDF of cut-out slips, one per cadre.

The codes exist only in these files (the database keeps a keyed hash), so the files are made
at the moment the codes are issued and never stored. The PDF sets Chinese in STSong-Light, a
CJK CID font every PDF reader ships (as records.certificates does), so nothing is embedded.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph

from cadres.activation import Slip
from cadres.spreadsheets import Sheet, workbook_bytes

FONT = "STSong-Light"
CODE_FONT = "Courier-Bold"
SLIPS_PER_PAGE = 4
INK = colors.HexColor("#212121")
MUTED = colors.HexColor("#616161")

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def expiry_text(slip: Slip) -> str:
    return date_format(timezone.localtime(slip.expires_at), "DATE_FORMAT")


def instructions(activation_url: str) -> list[str]:
    return [
        _("1. Open {url} on your phone or computer.").format(url=activation_url),
        _("2. Enter your ID number and the activation code above."),
        _("3. Choose your own password (at least 10 characters, letters and digits), then log in with it."),
        _("The code works once and only until the date above. Keep it to yourself."),
    ]


def slips_xlsx(slips: Sequence[Slip], *, activation_url: str) -> bytes:
    header = [
        _("Name"),
        _("Unit"),
        _("Login (your ID number)"),
        _("Activation code"),
        _("Valid until"),
        _("Activate at"),
    ]
    rows = [(s.name, s.unit, s.login, s.code, timezone.localtime(s.expires_at).date(), activation_url) for s in slips]
    notes = [(line,) for line in instructions(activation_url)]
    return workbook_bytes(
        [
            Sheet(_("Activation slips"), header, rows, (10, 36, 22, 14, 12, 40)),
            Sheet(_("Instructions"), [_("How to activate")], notes, (100,)),
        ]
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slips_pdf(slips: Sequence[Slip], *, activation_url: str) -> bytes:
    """A4 pages of SLIPS_PER_PAGE slips each, separated by dashed cut lines."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    page.setTitle(_("Activation slips"))
    width, height = A4
    slip_height = height / SLIPS_PER_PAGE
    text = ParagraphStyle("text", fontName=FONT, fontSize=9, leading=12.5, textColor=INK, wordWrap="CJK")
    steps = [_escape(line) for line in instructions(activation_url)]
    for index, slip in enumerate(slips):
        if index and index % SLIPS_PER_PAGE == 0:
            page.showPage()
        top = height - (index % SLIPS_PER_PAGE) * slip_height
        left = 15 * mm
        page.setFillColor(INK)
        page.setFont(FONT, 14)
        page.drawString(left, top - 14 * mm, _("Jianbing account activation slip"))
        page.setFont(FONT, 11)
        page.drawString(left, top - 22 * mm, f"{_('Name')}：{slip.name}")
        page.drawString(left, top - 28 * mm, f"{_('Unit')}：{slip.unit}")
        page.drawString(left, top - 34 * mm, f"{_('Login (your ID number)')}：{slip.login}")
        page.drawString(left, top - 40 * mm, f"{_('Valid until')}：{expiry_text(slip)}")
        page.setFont(FONT, 11)
        page.drawString(left, top - 50 * mm, f"{_('Activation code')}：")
        page.setFont(CODE_FONT, 20)
        page.drawString(left + 28 * mm, top - 50.5 * mm, f"{slip.code[:4]} {slip.code[4:]}")
        frame = Frame(width / 2 + 5 * mm, top - slip_height + 6 * mm, width / 2 - 20 * mm, slip_height - 14 * mm)
        frame.addFromList([Paragraph(line, text) for line in steps], page)
        page.setStrokeColor(MUTED)
        page.setDash(3, 3)
        page.line(10 * mm, top - slip_height, width - 10 * mm, top - slip_height)
        page.setDash()
    if not slips:
        page.setFont(FONT, 12)
        page.drawString(15 * mm, height - 20 * mm, _("Everyone in this unit has activated their account."))
    page.save()
    return buffer.getvalue()
