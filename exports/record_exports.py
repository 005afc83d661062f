"""A person's complete training record as JSON and as PDF (data-protection access).

The data comes from ``training.gdpr.training_record_export``; only the form is made here.
"""

from __future__ import annotations

import json

from django.conf import settings

from exports.certificates import _pdf

SECTION_TITLES = {
    "person": "Person / Person",
    "teams": "Teams / Teams",
    "assigned_training": "Zugewiesene Fortbildung / Assigned training",
    "lesson_progress": "Lektionen / Lessons",
    "course_completions": "Kursabschlüsse / Course completions",
    "certificates": "Zertifikate / Certificates",
    "reminders": "Erinnerungen / Reminders",
    "vocabulary_cards": "Vokabelkarten / Vocabulary cards",
    "vocabulary_reviews": "Vokabelwiederholungen / Vocabulary reviews",
    "assignment_changes_made": "Geänderte Zuweisungen / Assignment changes made",
}


def record_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def record_pdf(data: dict) -> bytes:
    pdf = _pdf()
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_author(settings.AUTHORITY_NAME)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(
        0,
        7,
        "Fortbildungsnachweis (Auskunft) / Training record (access request)",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        0, 5, f"{settings.AUTHORITY_NAME} – {data['generated_at']}", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    for key, title in SECTION_TITLES.items():
        value = data.get(key)
        pdf.set_font("DejaVu", "B", 11)
        pdf.multi_cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8)
        rows = [value] if isinstance(value, dict) else (value or [])
        if not rows:
            pdf.multi_cell(0, 4, "–", new_x="LMARGIN", new_y="NEXT")
        for row in rows:
            text = "; ".join(f"{k}: {'' if v is None else v}" for k, v in row.items())
            pdf.multi_cell(0, 4, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())
