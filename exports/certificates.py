"""The PDF certificate of a completed course (fpdf2, DejaVu Sans from fonts-dejavu-core).

Reads a ``training.Certificate``; issuing it (and its code) is ``training.certificates``.
DejaVu Sans covers Latin, Greek and Cyrillic names; Arabic and Persian letters are
present but printed unjoined (fpdf2 shapes them only with uharfbuzz, not installed).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

FONT_DIR = Path(getattr(settings, "CERTIFICATE_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


def _pdf() -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    return pdf


def _line(pdf: FPDF, text: str, size: int, style: str = "", space: float = 4) -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(space)


def certificate_pdf(certificate) -> bytes:
    """The certificate as a PDF, German first with English beside it."""
    verify_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("certificate_verify")
    pdf = _pdf()
    pdf.set_title(f"{certificate.course_title} – {certificate.holder_name}")
    pdf.set_author(settings.AUTHORITY_NAME)
    pdf.add_page()
    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(1.2)
    pdf.rect(12, 12, 186, 273)
    pdf.set_y(35)
    _line(pdf, settings.AUTHORITY_NAME, 14, "B", 14)
    for language in ("de", "en"):
        with translation.override(language):
            _line(pdf, _("Certificate"), 26 if language == "de" else 16, "B", 8)
    _line(pdf, certificate.holder_name, 22, "B", 8)
    for language in ("de", "en"):
        with translation.override(language):
            _line(pdf, _("has successfully completed the course"), 12, "", 3)
    pdf.ln(4)
    _line(pdf, certificate.course_title, 18, "B", 10)
    for language in ("de", "en"):
        with translation.override(language):
            text = _("Completed on %(date)s") % {
                "date": date_format(certificate.completed_on, "DATE_FORMAT")
            }
            if certificate.valid_until:
                text += " · " + _("valid until %(date)s") % {
                    "date": date_format(certificate.valid_until, "DATE_FORMAT")
                }
            _line(pdf, text, 12, "", 3)
    pdf.set_y(235)
    for language in ("de", "en"):
        with translation.override(language):
            _line(pdf, _("Verification code: %(code)s") % {"code": certificate.code}, 11, "B", 2)
            _line(pdf, _("Check it at %(url)s") % {"url": verify_url}, 9, "", 4)
    return bytes(pdf.output())
