"""The demo seed: course structure, termbase, people, site set-up and idempotency.

Each seed run takes a few seconds, so the tests use as few as they can while staying
independent: four full runs, one content-only run and one that fails half-way.
"""

import io
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from courses.blocks import LessonStreamBlock
from courses.demo import curriculum
from courses.demo.seed import WAGTAIL_WELCOME_TITLE, simple_pdf
from courses.languages import Language
from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage, Term, Topic
from quizzes.models import QuizAttempt, ScenarioPlay
from tests.factories import TermFactory
from training.completion import Status
from training.demo import DEMO_PEOPLE
from training.models import (
    Assignment,
    AssignmentLog,
    Certificate,
    CourseCompletion,
    LessonProgress,
    Membership,
    Team,
    User,
)
from training.records import person_record
from training.roles import Role

pytestmark = pytest.mark.django_db


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _demo_course() -> CoursePage:
    return CoursePage.objects.get(slug=curriculum.COURSE["slug"])


def _lessons() -> list[LessonPage]:
    return list(LessonPage.objects.descendant_of(_demo_course()).live().specific())


def _blocks(block_type: str):
    return [
        block for lesson in _lessons() for block in lesson.body if block.block_type == block_type
    ]


def _pdf_is_well_formed(data: bytes) -> bool:
    """Every cross-reference entry points at the object it names, and startxref at the table."""
    startxref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
    assert data[startxref:].startswith(b"xref\n")
    offsets = re.findall(rb"(\d{10}) 00000 n \n", data)
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(f"{number} 0 obj\n".encode()), number
    return data.startswith(b"%PDF-1.4") and len(offsets) >= 6


def test_first_run_builds_course_termbase_media_and_people(client):
    output = _seed()
    assert "created" in output

    course = _demo_course()
    assert course.is_demo and course.live
    assert "Demo-Inhalt" in course.intro and "Demo-Inhalt" in course.summary
    modules = ModulePage.objects.child_of(course).live()
    assert modules.count() >= 4
    for module in modules:
        assert LessonPage.objects.child_of(module).live().count() >= 3, module.title
    # Every page was published through a revision, as an editor would have done.
    for page in Page.objects.descendant_of(course, inclusive=True).specific():
        assert page.live_revision_id is not None, page.title

    # Every block type is used at least once across the course.
    used = {block.block_type for lesson in _lessons() for block in lesson.body}
    assert used == set(LessonStreamBlock().child_blocks)

    # Vocabulary blocks point only at existing demo terms.
    vocabulary = _blocks("vocabulary")
    for block in vocabulary:
        assert block.value["terms"], block.value["title"]
        assert all(term is not None and term.pk and term.is_demo for term in block.value["terms"])
    raw_ids = {
        item["value"] if isinstance(item, dict) else item
        for lesson in _lessons()
        for raw in lesson.body.raw_data
        if raw["type"] == "vocabulary"
        for item in raw["value"]["terms"]
    }
    assert Term.objects.filter(pk__in=raw_ids).count() == len(raw_ids)

    # Dialogues in a right-to-left and a Cyrillic or Turkish client language, with glosses.
    lines = [line for block in _blocks("dialogue") for line in block.value["lines"]]
    languages = {line["language"] for line in lines}
    assert languages & {"ar", "fa"} and languages & {"uk", "tr"}
    assert all(line["gloss"] for line in lines if line["language"] != "de")

    # Generated media: real PNGs with alternative text, real one-page PDFs.
    for block in _blocks("image"):
        assert block.value["alt_text"]
        with block.value["image"].open_file() as handle:
            picture = PillowImage.open(handle)
            assert picture.format == "PNG" and picture.width >= 800
    documents = [
        item["document"] for block in _blocks("downloads") for item in block.value["items"]
    ]
    assert documents
    for document in documents:
        assert document.file_extension == "pdf"
        with document.open_file() as handle:
            assert _pdf_is_well_formed(handle.read())
    for block in _blocks("video"):
        assert block.value.embed_url().startswith("https://www.youtube-nocookie.com/embed/")
        assert block.value["transcript"]

    # The termbase: topics from the CSV, at least 120 demo terms, each fully translated.
    assert Topic.objects.count() >= 10
    terms = Term.objects.filter(is_demo=True).prefetch_related("translations")
    assert terms.count() >= 120
    for term in terms:
        assert term.example, term.key
        translations = {t.language: t for t in term.translations.all()}
        assert set(translations) == set(Language.values), term.key
        assert all(t.text and t.example for t in translations.values()), term.key

    # People: two teams of three clerks and a manager each, a trainer, an administrator.
    for team in Team.objects.filter(slug__in=["aufenthalt", "front-office"]):
        assert team.memberships.filter(role=Membership.Role.MEMBER).count() >= 3
        managers = User.objects.filter(
            memberships__team=team, memberships__role=Membership.Role.MANAGER
        )
        assert managers.count() == 1
        assert managers.get().groups.filter(name=Role.MANAGER.value).exists()
    assert Group.objects.get(name=Role.CLERK.value).user_set.count() >= 6
    assert Group.objects.get(name=Role.TRAINER.value).user_set.count() >= 1
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.groups.filter(name=Role.ADMINISTRATOR.value).exists()
    assert admin.check_password(settings.DEMO_PASSWORD)
    # Every demo person belongs to a team.
    assert not User.objects.filter(memberships__isnull=True).exists()

    # The site serves the catalogue; Wagtail's welcome page is gone.
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class is CataloguePage
    assert not Page.objects.filter(title=WAGTAIL_WELCOME_TITLE).exists()

    # Training records: assignments from the managers with due dates, progress, results.
    records = {
        name: person_record(user=User.objects.get(username=name))
        for name in ("anna.schneider", "mehmet.yilmaz", "katarzyna.nowak", "jonas.becker")
    }
    anna = records["anna.schneider"]
    assert {item.status for item in anna.items} == {Status.COMPLETE}
    assert [c.course_id for c in anna.completions] == [course.pk]
    assert anna.completions[0].certificate.code
    mehmet = {item.page.title: item for item in records["mehmet.yilmaz"].items}
    statuses = {item.status for item in mehmet.values()}
    assert Status.OVERDUE in statuses and Status.IN_PROGRESS in statuses
    assert any(0 <= item.days_left <= 7 and item.percent for item in mehmet.values())
    assert records["mehmet.yilmaz"].resume is not None
    assert QuizAttempt.objects.filter(
        user__username="mehmet.yilmaz", status="finished", passed=False
    ).exists()
    assert {i.status for i in records["jonas.becker"].items} == {Status.OVERDUE, Status.COMPLETE}
    managers = set(Assignment.objects.values_list("created_by__username", flat=True))
    assert managers == {"birgit.hoffmann", "thomas.krueger"}
    assert AssignmentLog.objects.count() == Assignment.objects.count()

    # A demo clerk signs in and can open every lesson.
    assert client.login(username="anna.schneider", password=settings.DEMO_PASSWORD)
    assert course.title in client.get("/").content.decode()
    for lesson in _lessons():
        response = client.get(lesson.url)
        assert response.status_code == 200, lesson.url
        assert lesson.title in response.content.decode()


def _snapshot() -> dict:
    terms = list(Term.objects.filter(is_demo=True).order_by("key"))
    first, last = terms[0], terms[-1]
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "latest_revisions": dict(Page.objects.values_list("pk", "latest_revision_id")),
        "terms": Term.objects.count(),
        "term_updated_at": [first.updated_at, last.updated_at],
        "explanation": first.explanation,
        "topics": Topic.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "passwords": dict(User.objects.values_list("username", "password")),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "sites": list(Site.objects.values_list("pk", "root_page_id")),
        "assignments": Assignment.objects.count(),
        "progress": LessonProgress.objects.count(),
        "completions": CourseCompletion.objects.count(),
        "certificates": Certificate.objects.count(),
        "quiz_attempts": QuizAttempt.objects.count(),
        "scenario_plays": ScenarioPlay.objects.count(),
    }


def test_second_run_changes_nothing_and_keeps_edits():
    _seed()
    # What people do between two starts: change a password, correct a demo term.
    clerk = User.objects.get(username="anna.schneider")
    clerk.set_password("a-new-private-password-9")
    clerk.save()
    term = Term.objects.filter(is_demo=True).order_by("key").first()
    term.explanation = "Von einer Trainerin korrigiert."
    term.save()
    before = _snapshot()

    output = _seed()

    assert _snapshot() == before
    assert before["assignments"] == 5 and before["certificates"] == 1
    assert before["quiz_attempts"] and before["scenario_plays"]
    assert before["explanation"] == "Von einer Trainerin korrigiert."
    assert "nothing changed" in output
    assert "0 created" in output and "already present" in output
    clerk.refresh_from_db()
    assert clerk.check_password("a-new-private-password-9")

    # Asked for explicitly, the demo termbase is re-imported over the trainer's edit.
    _seed("--update-termbase")
    term.refresh_from_db()
    assert term.explanation != "Von einer Trainerin korrigiert."
    assert term.explanation and term.is_demo
    assert Term.objects.count() == before["terms"]


def test_refuses_demo_users_where_demo_passwords_are_not_allowed(settings):
    settings.DEMO_PASSWORDS_ALLOWED = False
    users_before = User.objects.count()

    with pytest.raises(CommandError, match="DEMO_PASSWORDS_ALLOWED"):
        _seed()
    assert not CoursePage.objects.exists()
    with pytest.raises(CommandError, match="DEMO_PASSWORDS_ALLOWED"):
        call_command("demo_logins", stdout=io.StringIO())

    # An authority's own termbase already holds one of the demo's German terms under its
    # own key: the seed neither fails on it nor takes it over, and lessons use that term.
    own = TermFactory(key="eigener-aufenthaltstitel", term="Aufenthaltstitel")
    _seed("--content-only")
    assert _demo_course().is_demo
    assert User.objects.count() == users_before
    assert not Term.objects.filter(key="aufenthaltstitel").exists()
    own.refresh_from_db()
    assert not own.is_demo
    lesson = LessonPage.objects.get(slug="aufenthaltserlaubnis-abgelaufen")
    vocabulary = next(b for b in lesson.body if b.block_type == "vocabulary")
    assert own in vocabulary.value["terms"]


def test_failed_run_leaves_no_rows_and_no_files(monkeypatch):
    lesson = {
        "slug": "kaputt",
        "title": "Kaputt",
        "intro": "",
        "duration_minutes": 5,
        "body": [curriculum.vocabulary("Fehlt", ["termin", "gibt-es-nicht"])],
    }
    monkeypatch.setattr(curriculum, "MODULES", [{**curriculum.MODULES[0], "lessons": [lesson]}])
    files_before = {
        folder: set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()
        for folder in ("original_images", "documents")
    }

    with pytest.raises(CommandError, match="gibt-es-nicht"):
        _seed("--content-only")

    assert not Term.objects.exists() and not Page.objects.type(CoursePage).exists()
    assert not get_image_model().objects.exists() and not get_document_model().objects.exists()
    for folder, before in files_before.items():
        after = set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()
        assert after == before, folder


def test_demo_logins_lists_the_seeded_people():
    # Only the people exist here (no content run): the listing reads users, not pages.
    from training.demo import demo_people_ensure

    demo_people_ensure()
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    listing = out.getvalue()
    for person in DEMO_PEOPLE:
        assert person.username in listing
    assert "Team Front Office" in listing and settings.DEMO_PASSWORD in listing


def test_simple_pdf_refuses_text_longer_than_a_page():
    with pytest.raises(ValueError, match="one page"):
        simple_pdf(title="Zu lang", paragraphs=["Eine Zeile."] * 60)


def test_simple_pdf_sets_subheadings_in_bold_and_encodes_umlauts():
    data = simple_pdf(title="Prüfliste", paragraphs=["## Vorher", "- Größe prüfen (außen)"])
    assert _pdf_is_well_formed(data)
    assert b"/F2 11 Tf\n(Vorher) '" in data
    assert "(• Größe prüfen \\(außen\\)) '".encode("cp1252") in data
