"""The question bank and quiz pages in the Wagtail admin."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from quizzes.models import Question, QuizPage, SingleChoiceQuestion
from quizzes.wagtail_hooks import QUESTION_VIEWSETS
from tests.quizzes.factories import one_of_each, quiz_with

pytestmark = pytest.mark.django_db


def test_all_questions_listing_links_to_each_types_editor(trainer_client):
    from django.urls import reverse

    questions = one_of_each()
    response = trainer_client.get(reverse(Question.snippet_viewset.get_url_name("list")))
    assert response.status_code == 200
    html = response.content.decode()
    for question in questions:
        viewset = type(question).snippet_viewset
        assert viewset.model is type(question)
        edit = reverse(viewset.get_url_name("edit"), args=[question.pk])
        assert f'href="{edit}"' in html
        assert trainer_client.get(edit).status_code == 200
    assert len(QUESTION_VIEWSETS) == 8


def test_all_questions_search(trainer_client):
    from django.urls import reverse

    questions = one_of_each()
    wanted = questions[3]
    wanted.title = "Reihenfolge beim Ersttermin"
    wanted.save()
    url = reverse(Question.snippet_viewset.get_url_name("list"))
    html = trainer_client.get(url, {"q": "Ersttermin"}).content.decode()
    assert "Reihenfolge beim Ersttermin" in html
    assert questions[0].title not in html


def test_clerks_cannot_reach_the_question_bank(clerk_client):
    from django.urls import reverse

    response = clerk_client.get(reverse(Question.snippet_viewset.get_url_name("list")))
    assert response.status_code == 403


def test_trainer_creates_a_single_choice_question(trainer_client):
    from django.urls import reverse

    url = reverse(SingleChoiceQuestion.snippet_viewset.get_url_name("add"))
    data = nested_form_data(
        {
            "title": "Welches Dokument?",
            "prompt": "Was weist die Identität nach?",
            "explanation": "Der Pass.",
            "tags": "dokumente",
            "options": streamfield(
                [
                    ("option", {"text": "Reisepass", "correct": True, "feedback": "Ja."}),
                    ("option", {"text": "Busticket", "correct": False, "feedback": "Nein."}),
                ]
            ),
        }
    )
    response = trainer_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get(title="Welches Dokument?")
    assert isinstance(question, SingleChoiceQuestion)
    assert [t.name for t in question.tags.all()] == ["dokumente"]
    # Two correct options are refused with a message beside the field.
    data["options-0-value-correct"] = "on"
    data["options-1-value-correct"] = "on"
    data["title"] = "Zweimal richtig"
    response = trainer_client.post(url, data)
    assert response.status_code == 200
    assert not Question.objects.filter(title="Zweimal richtig").exists()


def test_publishing_a_quiz_keeps_its_questions_specific(trainer_client, module):
    """The django-polymorphic pitfall: questions are snippets, never child rows of the page."""
    from django.urls import reverse

    questions = one_of_each()
    quiz = quiz_with(module, questions)
    edit = reverse("wagtailadmin_pages:edit", args=[quiz.pk])
    assert trainer_client.get(edit).status_code == 200
    data = nested_form_data(
        {
            "title": quiz.title,
            "slug": quiz.slug,
            "intro": rich_text("<p>Neu</p>"),
            "fixed_questions": inline_formset(
                [{"question": q.pk} for q in questions], initial=len(questions)
            ),
            "pass_mark": 80,
            "attempt_limit": 0,
            "feedback_timing": "end",
            "draw_count": 0,
            "action-publish": "publish",
        }
    )
    # Existing rows need their ids in the formset.
    for n, row in enumerate(quiz.fixed_questions.order_by("sort_order")):
        data[f"fixed_questions-{n}-id"] = row.pk
        data[f"fixed_questions-{n}-ORDER"] = n + 1
    response = trainer_client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    quiz = QuizPage.objects.get(pk=quiz.pk)
    assert quiz.pass_mark == 80
    assert {type(q) for q in Question.objects.all()} == {type(q) for q in questions}
    assert all(type(Question.objects.get(pk=q.pk)) is type(q) for q in questions)
    assert quiz.fixed_questions.count() == len(questions)


def test_quiz_pages_are_never_cached():
    from courses.page_cache import CACHEABLE_PAGE_TYPES

    assert QuizPage not in CACHEABLE_PAGE_TYPES


def test_question_listing_query_count_does_not_grow(trainer_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = reverse(Question.snippet_viewset.get_url_name("list"))
    counts = []
    for _round in range(2):
        one_of_each()
        with CaptureQueriesContext(connection) as captured:
            assert trainer_client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_base_type_has_no_editor_of_its_own(trainer_client):
    from django.urls import reverse

    question = one_of_each()[4]
    viewset = Question.snippet_viewset
    edit = trainer_client.get(reverse(viewset.get_url_name("edit"), args=[question.pk]))
    assert edit.status_code == 302
    assert edit["Location"] == reverse(
        type(question).snippet_viewset.get_url_name("edit"), args=[question.pk]
    )
    add = trainer_client.get(reverse(viewset.get_url_name("add")))
    assert add.status_code == 302
    assert Question.objects.count() == 7
