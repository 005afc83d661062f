"""Puts the demo course, its termbase and its generated media into the database.

``demo_content_ensure`` only ever adds what is missing: an existing page, image, document,
topic or term is left exactly as it is, so a trainer's edits to the demo survive every
``make run`` (which seeds on each start).
"""

import csv
import io
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site

from courses.demo import curriculum
from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage, Term, Topic

DEMO_DIR = Path(__file__).resolve().parent
TOPICS_CSV = DEMO_DIR / "topics.csv"
TERMBASE_CSV = DEMO_DIR / "termbase.csv"

# What Wagtail's first migration puts at depth 2; replaced by the catalogue.
WAGTAIL_WELCOME_TITLE = "Welcome to your new Wagtail site!"


class DemoContentError(Exception):
    """The demo data cannot be loaded (a bad termbase file, a lesson that fails validation)."""


@dataclass
class SeedReport:
    """What one run created and what it found already present, per kind of object."""

    created: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)
    kinds: list[str] = field(default_factory=list)  # in the order first seen
    # Storage names of files written by this run, to remove them if the run is rolled back.
    files: list[tuple[object, str]] = field(default_factory=list)

    def count(self, kind: str, *, created: bool, number: int = 1) -> None:
        if kind not in self.kinds:
            self.kinds.append(kind)
        (self.created if created else self.present)[kind] += number

    def merge(self, other: "SeedReport") -> None:
        for kind in other.kinds:
            self.count(kind, created=True, number=other.created[kind])
            self.count(kind, created=False, number=other.present[kind])

    def summary(self) -> list[str]:
        return [
            f"{kind}: {self.created[kind]} created, {self.present[kind]} already present"
            for kind in self.kinds
        ]


# --- Generated media ----------------------------------------------------------------------


def _font(size: int) -> ImageFont.ImageFont:
    # Pillow's bundled font (with FreeType) needs no font files on the host.
    return ImageFont.load_default(size=size)


def counter_illustration_png() -> bytes:
    """A flat illustration of a counter conversation: clerk behind the desk, client in front,
    a speech bubble each and the front-office sign. Drawn in code so that no binary asset has
    to be kept in the repository."""
    width, height = 1200, 675
    image = PillowImage.new("RGB", (width, height), "#eef3f7")
    draw = ImageDraw.Draw(image)
    # Wall and floor.
    draw.rectangle((0, 470, width, height), fill="#d9e2ea")
    # Sign above the counter.
    draw.rounded_rectangle((420, 40, 780, 120), radius=18, fill="#1f5f8b")
    draw.text((600, 80), "Front Office", fill="white", font=_font(44), anchor="mm")
    # Clerk (behind the counter): head, body.
    draw.ellipse((250, 200, 370, 320), fill="#8d5a3b")
    draw.rounded_rectangle((215, 330, 405, 520), radius=40, fill="#2e7d6b")
    # Client (in front of the counter, seen a little larger): head, body.
    draw.ellipse((810, 180, 940, 310), fill="#e0b58c")
    draw.rounded_rectangle((770, 320, 980, 640), radius=45, fill="#b5523b")
    # The counter between them, with a document on it.
    draw.rectangle((120, 430, 700, 500), fill="#6b4f3a")
    draw.rectangle((140, 500, 680, 640), fill="#8a6a50")
    draw.polygon([(470, 418), (600, 410), (610, 432), (480, 440)], fill="white", outline="#555")
    # Speech bubbles: greeting and question.
    draw.rounded_rectangle((60, 140, 250, 230), radius=24, fill="white", outline="#1f5f8b", width=4)
    draw.polygon([(220, 228), (250, 228), (265, 262)], fill="white")
    draw.text((155, 185), "Guten Tag!", fill="#1f5f8b", font=_font(30), anchor="mm")
    draw.rounded_rectangle(
        (960, 100, 1150, 190), radius=24, fill="white", outline="#b5523b", width=4
    )
    draw.polygon([(970, 188), (1000, 188), (950, 222)], fill="white")
    draw.text((1055, 145), "Termin?", fill="#b5523b", font=_font(30), anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def pictograms_png() -> bytes:
    """Three pictograms for visual aids at the counter: passport, photo, calendar."""
    width, height = 1200, 460
    image = PillowImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    label = _font(36)
    # Passport.
    draw.rounded_rectangle((120, 60, 330, 330), radius=16, fill="#7a1f2b")
    draw.ellipse((185, 130, 265, 210), outline="#e8c66a", width=6)
    draw.line((225, 130, 225, 210), fill="#e8c66a", width=4)
    draw.line((185, 170, 265, 170), fill="#e8c66a", width=4)
    draw.text((225, 390), "Pass", fill="black", font=label, anchor="mm")
    # Photo: frame with a head-and-shoulders silhouette.
    draw.rectangle((500, 60, 700, 330), outline="#333333", width=8)
    draw.ellipse((560, 100, 640, 190), fill="#555555")
    draw.pieslice((530, 200, 670, 380), 180, 360, fill="#555555")
    draw.text((600, 390), "Foto", fill="black", font=label, anchor="mm")
    # Calendar with one marked day.
    draw.rectangle((870, 80, 1090, 330), outline="#1f5f8b", width=8)
    draw.rectangle((870, 80, 1090, 140), fill="#1f5f8b")
    for row in range(3):
        for col in range(4):
            x, y = 895 + col * 50, 160 + row * 55
            fill = "#e07a1f" if (row, col) == (1, 2) else "#cfd8e0"
            draw.rectangle((x, y, x + 35, y + 35), fill=fill)
    draw.text((980, 390), "Termin", fill="black", font=label, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _pdf_text(text: str) -> bytes:
    # Standard fonts with WinAnsiEncoding cover German umlauts, ß and typographic quotes.
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def simple_pdf(*, title: str, paragraphs: list[str]) -> bytes:
    """A one-page A4 PDF with real (searchable, copyable) text: a bold title and paragraphs.

    Paragraphs starting with "## " become bold subheadings, those starting with "- "
    indented list items. Written by hand so the demo needs no PDF library; raises
    ValueError if the text does not fit on one page.
    """
    lines: list[tuple[str, str]] = []
    for paragraph in paragraphs:
        if paragraph.startswith("## "):
            lines.append(("F2", paragraph[3:]))
            continue
        if paragraph.startswith("- "):
            wrapped = textwrap.wrap(paragraph[2:], 82)
            lines += [("F1", ("• " if i == 0 else "   ") + w) for i, w in enumerate(wrapped)]
        else:
            lines += [("F1", w) for w in textwrap.wrap(paragraph, 88)]
        lines.append(("F1", ""))
    leading, top, bottom = 15, 780, 50
    if len(lines) * leading > top - bottom:
        raise ValueError(f"{title!r} does not fit on one page")
    stream = [b"BT", b"/F2 16 Tf", b"50 800 Td", _pdf_text(title) + b" Tj", b"/F1 11 Tf"]
    stream.append(f"0 -{800 - top + 10} Td".encode())
    stream.append(f"{leading} TL".encode())
    font = "F1"
    for font_name, line in lines:
        if font_name != font:
            stream.append(f"/{font_name} 11 Tf".encode())
            font = font_name
        stream.append(_pdf_text(line) + b" '")
    stream.append(b"ET")
    content = b"\n".join(stream)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
        b"<< /Title " + _pdf_text(title) + b" /Producer (Willkommensbehoerde Demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


IMAGE_MAKERS = {
    "counter": counter_illustration_png,
    "pictograms": pictograms_png,
}


def _demo_collection(report: SeedReport) -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=curriculum.COLLECTION_NAME).first()
    if existing:
        report.count("collections", created=False)
        return existing
    report.count("collections", created=True)
    return root.add_child(name=curriculum.COLLECTION_NAME)


def _images_ensure(*, collection: Collection, report: SeedReport) -> dict[str, int]:
    """Image ids by the keys the curriculum uses; identified by title within the collection."""
    image_model = get_image_model()
    ids = {}
    for key, spec in curriculum.IMAGES.items():
        image = image_model.objects.filter(collection=collection, title=spec["title"]).first()
        created = image is None
        if created:
            image = image_model(title=spec["title"], collection=collection)
            image.file = ImageFile(io.BytesIO(IMAGE_MAKERS[key]()), name=spec["filename"])
            image._set_image_file_metadata()
            image.save()
            image.tags.add("Demo")
            report.files.append((image.file.storage, image.file.name))
        report.count("images", created=created)
        ids[key] = image.pk
    return ids


def _documents_ensure(*, collection: Collection, report: SeedReport) -> dict[str, int]:
    document_model = get_document_model()
    ids = {}
    for key, spec in curriculum.DOCUMENTS.items():
        document = document_model.objects.filter(collection=collection, title=spec["title"]).first()
        created = document is None
        if created:
            data = simple_pdf(title=spec["heading"], paragraphs=spec["paragraphs"])
            document = document_model(title=spec["title"], collection=collection)
            document.file = ContentFile(data, name=spec["filename"])
            document._set_document_file_metadata()
            document.save()
            document.tags.add("Demo")
            report.files.append((document.file.storage, document.file.name))
        report.count("documents", created=created)
        ids[key] = document.pk
    return ids


# --- Termbase -------------------------------------------------------------------------------


def _topics_ensure(*, update: bool, report: SeedReport) -> None:
    with TOPICS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values = {"name": row["name"].strip(), "name_en": row["name_en"].strip()}
            if update:
                _topic, created = Topic.objects.update_or_create(
                    slug=row["slug"].strip(), defaults=values
                )
            else:
                _topic, created = Topic.objects.get_or_create(
                    slug=row["slug"].strip(), defaults=values
                )
            report.count("topics", created=created)


def _demo_term_rows() -> tuple[list[str] | None, list[dict[str, str]]]:
    text = TERMBASE_CSV.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return reader.fieldnames, rows


def _terms_ensure(*, update: bool, report: SeedReport) -> None:
    """Load the demo termbase through the one termbase importer.

    Without ``update`` only rows whose key is not in the database yet are imported, so a
    trainer's correction of a demo term is never overwritten by the next seed. A row whose
    German term already exists under another key (an authority's own termbase) is skipped
    rather than rejected, so seeding still works on top of real data.
    """
    from courses.termbase import termbase_import

    fieldnames, rows = _demo_term_rows()
    keys = {row["key"].strip() for row in rows}
    existing = set(Term.objects.filter(key__in=keys).values_list("key", flat=True))
    wanted = rows
    if not update:
        known_terms = {t.casefold() for t in Term.objects.values_list("term", flat=True)}
        wanted = [
            row
            for row in rows
            if row["key"].strip() not in existing
            and row["term"].strip().casefold() not in known_terms
        ]
    if wanted:
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(wanted)
        result = termbase_import(data=out.getvalue().encode("utf-8"), filename="termbase.csv")
        if not result.ok:
            problems = "\n".join(
                f"  row {e.row or '-'}, {e.column or '-'}: {e.message}" for e in result.errors
            )
            raise DemoContentError(f"The demo termbase {TERMBASE_CSV} is invalid:\n{problems}")
    # The exchange format has no demo flag. Flag only what this run imported (a trainer may
    # have unflagged a term since) and only where unset, so a second run writes nothing.
    imported = {row["key"].strip() for row in wanted}
    Term.objects.filter(key__in=imported, is_demo=False).update(is_demo=True)
    new = len(imported - existing)
    report.count("terms", created=True, number=new)
    report.count("terms", created=False, number=len(keys) - new)


# --- Pages ----------------------------------------------------------------------------------


def _publish_new_child(*, parent: Page, page: Page) -> Page:
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _child_ensure(*, parent: Page, page: Page, report: SeedReport, kind: str) -> Page:
    """The child of ``parent`` with ``page``'s slug; ``page`` is created only if none exists."""
    existing = parent.get_children().filter(slug=page.slug).specific().first()
    if existing is not None:
        report.count(kind, created=False)
        return existing
    report.count(kind, created=True)
    return _publish_new_child(parent=parent, page=page)


def _catalogue_ensure(report: SeedReport) -> CataloguePage:
    root = Page.get_first_root_node()
    spec = curriculum.CATALOGUE
    # The catalogue is a singleton (max_count = 1): any existing one is the catalogue.
    catalogue = (
        CataloguePage.objects.child_of(root).filter(slug=spec["slug"]).first()
        or CataloguePage.objects.first()
    )
    if catalogue is None:
        catalogue = _publish_new_child(
            parent=root,
            page=CataloguePage(title=spec["title"], slug=spec["slug"], intro=spec["intro"]),
        )
        report.count("pages", created=True)
    else:
        report.count("pages", created=False)

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            is_default_site=True,
            root_page=catalogue,
            site_name=spec["title"],
        )
        report.count("sites", created=True)
    elif site.root_page_id != catalogue.pk:
        site.root_page = catalogue
        site.save(update_fields=["root_page"])
        report.count("sites", created=True)
    else:
        report.count("sites", created=False)

    # Wagtail's placeholder home page: only removed while it is untouched and unused.
    welcome = Page.objects.filter(
        depth=2,
        slug="home",
        title=WAGTAIL_WELCOME_TITLE,
        content_type=ContentType.objects.get_for_model(Page),
    ).first()
    if welcome and welcome.numchild == 0 and not Site.objects.filter(root_page=welcome).exists():
        welcome.delete()
    return catalogue


def _block_value(block_type: str, value, *, media: dict, terms: dict):
    """Replace the curriculum's symbolic references (image, document and term keys) by ids."""
    if not isinstance(value, dict):
        return value
    value = dict(value)
    if block_type == "image":
        value["image"] = media["images"][value["image"]]
    elif block_type == "downloads":
        value["items"] = [
            {**item, "document": media["documents"][item["document"]]} for item in value["items"]
        ]
    elif block_type == "vocabulary":
        missing = [key for key in value["terms"] if key not in terms]
        if missing:
            raise DemoContentError(
                "A vocabulary block of the demo course names terms that are not in the "
                "termbase: " + ", ".join(missing)
            )
        value["terms"] = [terms[key] for key in value["terms"]]
    return value


def _lesson_body(lesson: dict, *, media: dict, terms: dict):
    stream_block = LessonPage._meta.get_field("body").stream_block
    raw = [
        {"type": block_type, "value": _block_value(block_type, value, media=media, terms=terms)}
        for block_type, value in lesson["body"]
    ]
    body = stream_block.to_python(raw)
    try:
        stream_block.clean(body)
    except ValidationError as error:
        raise DemoContentError(f"Lesson {lesson['slug']!r} is invalid: {error}") from error
    return body


def curriculum_term_keys() -> set[str]:
    return {
        key
        for module in curriculum.MODULES
        for lesson in module["lessons"]
        for block_type, value in lesson["body"]
        if block_type == "vocabulary"
        for key in value["terms"]
    }


def _term_ids() -> dict[str, int]:
    """Term ids by the keys the curriculum names, for those that exist.

    A key that is missing because the same German term already existed under another key
    (see ``_terms_ensure``) resolves to that term. Keys still missing only matter for a
    lesson that has yet to be created (``_block_value`` refuses it then).
    """
    keys = curriculum_term_keys()
    ids = dict(Term.objects.filter(key__in=keys).values_list("key", "pk"))
    german = {row["key"].strip(): row["term"].strip() for row in _demo_term_rows()[1]}
    for key in keys - set(ids):
        term = Term.objects.filter(term__iexact=german.get(key, key)).first()
        if term is not None:
            ids[key] = term.pk
    return ids


def demo_content_ensure(*, update_termbase: bool = False) -> SeedReport:
    """Create whatever of the demo content is missing and report what was already there.

    ``update_termbase`` re-imports every demo term from the CSV (overwriting edits to demo
    terms); by default only missing terms are added. Atomic: on any error nothing stays,
    not even the generated files.
    """
    report = SeedReport()
    try:
        with transaction.atomic():
            _content_ensure(report=report, update_termbase=update_termbase)
    except BaseException:
        # Files live outside the database transaction; remove what this run wrote.
        for storage, name in report.files:
            storage.delete(name)
        raise
    return report


def _minutes(module: dict) -> int:
    return sum(lesson["duration_minutes"] for lesson in module["lessons"])


def _content_ensure(*, report: SeedReport, update_termbase: bool) -> None:
    _topics_ensure(update=update_termbase, report=report)
    _terms_ensure(update=update_termbase, report=report)
    terms = _term_ids()

    collection = _demo_collection(report)
    media = {
        "images": _images_ensure(collection=collection, report=report),
        "documents": _documents_ensure(collection=collection, report=report),
    }

    catalogue = _catalogue_ensure(report)
    spec = curriculum.COURSE
    course = _child_ensure(
        parent=catalogue,
        page=CoursePage(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            intro=spec["intro"],
            audience=spec["audience"],
            duration_minutes=sum(_minutes(m) for m in curriculum.MODULES),
            is_demo=True,
        ),
        report=report,
        kind="pages",
    )
    for module_spec in curriculum.MODULES:
        module = _child_ensure(
            parent=course,
            page=ModulePage(
                title=module_spec["title"],
                slug=module_spec["slug"],
                intro=module_spec["intro"],
                objectives=module_spec["objectives"],
                duration_minutes=_minutes(module_spec),
            ),
            report=report,
            kind="pages",
        )
        for lesson_spec in module_spec["lessons"]:
            if module.get_children().filter(slug=lesson_spec["slug"]).exists():
                report.count("pages", created=False)
                continue
            lesson = LessonPage(
                title=lesson_spec["title"],
                slug=lesson_spec["slug"],
                intro=lesson_spec["intro"],
                duration_minutes=lesson_spec["duration_minutes"],
            )
            lesson.body = _lesson_body(lesson_spec, media=media, terms=terms)
            _child_ensure(parent=module, page=lesson, report=report, kind="pages")
