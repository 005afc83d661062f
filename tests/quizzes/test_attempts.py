"""The clerk's attempt, end to end through the views: integrity rules of issue 3."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import QuizAnswer, QuizAttempt
from quizzes.services import quiz_attempt_finish, quiz_attempt_start
from tests.conftest import _signed_in
from tests.factories import UserFactory
from tests.quizzes.factories import (
    ClozeQuestionFactory,
    OrderingQuestionFactory,
    ShortTextQuestionFactory,
    SingleChoiceQuestionFactory,
    quiz_with,
)
from training.roles import Role

pytestmark = pytest.mark.django_db

# Strings that exist only in the grading key of the factories' questions.
SECRETS = [
    "Rückmeldung",
    "geheim",
    "Erklärung-",
    "Modellantwort-geheim",
    "Aufenthaltstitel",
    "is-correct",
]


def _question_url(attempt, number):
    return reverse("quizzes:question", args=[attempt.pk, number])


def _start(client, quiz) -> QuizAttempt:
    response = client.post(quiz.url)
    assert response.status_code == 302
    return QuizAttempt.objects.order_by("-pk").first()


def _position_of(attempt, type_key):
    return next(i for i, q in enumerate(attempt.questions) if q["type"] == type_key)


def _right_single(attempt, position):
    return attempt.questions[position]["key"]["correct"][0]


def _wrong_single(attempt, position):
    q = attempt.questions[position]
    return next(o["id"] for o in q["public"]["options"] if o["id"] not in q["key"]["correct"])


def _main(html: bytes) -> str:
    text = html.decode()
    main = text[text.index("<main") : text.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def test_start_shows_questions_and_no_key_anywhere(clerk_client, quiz):
    landing = clerk_client.get(quiz.url)
    assert landing.status_code == 200
    assert landing["Cache-Control"] == "private, no-store"
    attempt = _start(clerk_client, quiz)
    assert attempt.number == 1 and attempt.is_open
    for number in range(1, len(attempt.questions) + 1):
        html = clerk_client.get(_question_url(attempt, number)).content.decode()
        question = attempt.questions[number - 1]
        assert question["prompt"] in html
        for secret in SECRETS:
            assert secret not in html, (question["type"], secret)
    overview = clerk_client.get(reverse("quizzes:overview", args=[attempt.pk])).content.decode()
    for secret in SECRETS:
        assert secret not in overview


def test_feedback_after_each_question_comes_only_after_answering(clerk_client, quiz):
    attempt = _start(clerk_client, quiz)
    position = _position_of(attempt, "single")
    url = _question_url(attempt, position + 1)
    response = clerk_client.post(
        url, {"revision": "0", "option": _wrong_single(attempt, position)}, follow=True
    )
    html = response.content.decode()
    assert "Rückmeldung-falsch" in html  # the chosen option's feedback
    assert "Rückmeldung-richtig-Pass" in html  # and why the right one is right
    assert attempt.questions[position]["key"]["explanation"] in html
    # Answered with feedback shown: the answer cannot be changed any more.
    again = clerk_client.post(url, {"revision": "1", "option": _right_single(attempt, position)})
    assert again.status_code == 302
    assert QuizAnswer.objects.get(attempt=attempt, position=position).score == 0.0


def test_feedback_at_the_end_shows_nothing_until_finished(clerk_client, module):
    quiz = quiz_with(module, [SingleChoiceQuestionFactory()], feedback_timing="end")
    attempt = _start(clerk_client, quiz)
    response = clerk_client.post(
        _question_url(attempt, 1),
        {"revision": "0", "option": _wrong_single(attempt, 0)},
        follow=True,
    )
    html = response.content.decode()
    for secret in SECRETS:
        assert secret not in html
    # The answer may still be changed before finishing.
    changed = clerk_client.post(
        _question_url(attempt, 1), {"revision": "1", "option": _right_single(attempt, 0)}
    )
    assert changed.status_code == 302
    clerk_client.post(reverse("quizzes:finish", args=[attempt.pk]))
    review = clerk_client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "Rückmeldung-richtig-Pass" in review
    attempt.refresh_from_db()
    assert attempt.score == 100.0 and attempt.passed


def test_fields_other_than_the_answer_are_ignored(clerk, clerk_client, module):
    other = UserFactory(role=Role.CLERK)
    quiz = quiz_with(module, [SingleChoiceQuestionFactory(), SingleChoiceQuestionFactory()])
    attempt = _start(clerk_client, quiz)
    forged = {
        "score": "1",
        "correct": "true",
        "user": str(other.pk),
        "user_id": str(other.pk),
        "number": "7",
        "status": "finished",
        "passed": "true",
        "position": "1",
    }
    clerk_client.post(
        _question_url(attempt, 1),
        {"revision": "0", "option": _wrong_single(attempt, 0), **forged},
    )
    clerk_client.post(reverse("quizzes:finish", args=[attempt.pk]), {"score": "100", **forged})
    attempt.refresh_from_db()
    answer = attempt.answers.get()
    assert answer.score == 0.0
    assert attempt.user == clerk and attempt.number == 1
    assert attempt.score == 0.0 and attempt.passed is False
    assert not other.quiz_attempts.exists()


def test_requests_without_csrf_token_are_refused(clerk, quiz):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    assert client.post(quiz.url).status_code == 403
    assert not QuizAttempt.objects.exists()
    attempt = quiz_attempt_start(user=clerk, page=quiz)
    position = _position_of(attempt, "single")
    response = client.post(
        _question_url(attempt, position + 1),
        {"revision": "0", "option": _right_single(attempt, position)},
    )
    assert response.status_code == 403
    assert client.post(reverse("quizzes:finish", args=[attempt.pk])).status_code == 403
    attempt.refresh_from_db()
    assert attempt.is_open and not attempt.answers.exists()


@pytest.mark.parametrize(
    ("type_key", "make_data"),
    [
        ("single", lambda q: {"option": "kein-solches-id"}),
        ("single", lambda q: {"option": [o["id"] for o in q["public"]["options"]]}),
        ("multiple", lambda q: {"option": ["erfunden"]}),
        (
            "ordering",
            lambda q: {f"position_{i['id']}": "1" for i in q["public"]["items"]},
        ),
        (
            "ordering",
            lambda q: {f"position_{i['id']}": "1" for i in q["public"]["items"][:1]},
        ),
        ("ordering", lambda q: {f"position_{i['id']}": "eins" for i in q["public"]["items"]}),
        ("matching", lambda q: {f"match_{p['id']}": "x" for p in q["public"]["prompts"]}),
        ("cloze", lambda q: {"gap_g0": "x" * 300, "gap_g1": "y"}),
        ("shorttext", lambda q: {"text": "x" * 1_000_000}),
        ("shorttext", lambda q: {"text": ["a", "b"]}),
    ],
)
def test_malformed_answers_get_a_clear_error_and_change_nothing(
    clerk_client, quiz, type_key, make_data
):
    attempt = _start(clerk_client, quiz)
    position = _position_of(attempt, type_key)
    data = {"revision": "0", **make_data(attempt.questions[position])}
    response = clerk_client.post(_question_url(attempt, position + 1), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not attempt.answers.exists()
    attempt.refresh_from_db()
    assert attempt.position == 0


def test_wrong_revision_type_changes_nothing(clerk_client, quiz):
    attempt = _start(clerk_client, quiz)
    position = _position_of(attempt, "single")
    response = clerk_client.post(
        _question_url(attempt, position + 1),
        {"revision": "neu", "option": _right_single(attempt, position)},
    )
    assert response.status_code == 302
    assert not attempt.answers.exists()


def test_an_answer_from_a_stale_page_does_not_overwrite_a_newer_one(clerk_client, module):
    quiz = quiz_with(module, [SingleChoiceQuestionFactory()], feedback_timing="end")
    attempt = _start(clerk_client, quiz)
    url = _question_url(attempt, 1)
    # Two tabs opened on the unanswered question (revision 0): the second answer comes
    # from the older page.
    clerk_client.post(url, {"revision": "0", "option": _right_single(attempt, 0)})
    stale = clerk_client.post(
        url, {"revision": "0", "option": _wrong_single(attempt, 0)}, follow=True
    )
    assert "in another window" in stale.content.decode() or "anderen Fenster" in (
        stale.content.decode()
    )
    answer = attempt.answers.get()
    assert answer.response["selected"] == [_right_single(attempt, 0)]
    assert answer.revision == 1


def test_another_clerks_attempt_is_404(clerk_client, quiz):
    other = UserFactory(role=Role.CLERK)
    attempt = quiz_attempt_start(user=other, page=quiz)
    position = _position_of(attempt, "single")
    urls = [
        reverse("quizzes:resume", args=[attempt.pk]),
        _question_url(attempt, 1),
        reverse("quizzes:overview", args=[attempt.pk]),
        reverse("quizzes:review", args=[attempt.pk]),
    ]
    for url in urls:
        assert clerk_client.get(url).status_code == 404
    posted = clerk_client.post(
        _question_url(attempt, position + 1),
        {"revision": "0", "option": _right_single(attempt, position)},
    )
    assert posted.status_code == 404
    assert clerk_client.post(reverse("quizzes:finish", args=[attempt.pk])).status_code == 404
    quiz_attempt_finish(user=other, attempt_id=attempt.pk)
    assert clerk_client.get(reverse("quizzes:review", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert not attempt.answers.exists()


def test_signed_out_people_are_sent_to_sign_in(quiz, client):
    response = client.get(quiz.url)
    assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]


def test_an_unfinished_attempt_resumes_in_a_new_browser(clerk, module):
    quiz = quiz_with(
        module,
        [SingleChoiceQuestionFactory(), SingleChoiceQuestionFactory(), ClozeQuestionFactory()],
        feedback_timing="end",
    )
    first_browser = _signed_in(clerk)
    attempt = _start(first_browser, quiz)
    first_browser.post(
        _question_url(attempt, 1), {"revision": "0", "option": _right_single(attempt, 0)}
    )
    first_browser.post(
        _question_url(attempt, 2), {"revision": "0", "option": _right_single(attempt, 1)}
    )
    second_browser = _signed_in(clerk)  # the first one was closed: a new session
    landing = second_browser.get(quiz.url).content.decode()
    resume = reverse("quizzes:resume", args=[attempt.pk])
    assert resume in landing
    assert second_browser.get(resume)["Location"] == _question_url(attempt, 3)
    # Starting again gives the same attempt, not a new one.
    assert _start(second_browser, quiz).pk == attempt.pk
    again = second_browser.get(_question_url(attempt, 1)).content.decode()
    assert "checked" in again  # the earlier answer is there


def test_attempt_limit(clerk, clerk_client, module):
    quiz = quiz_with(module, [SingleChoiceQuestionFactory()], attempt_limit=1)
    attempt = _start(clerk_client, quiz)
    clerk_client.post(reverse("quizzes:finish", args=[attempt.pk]))
    refused = clerk_client.post(quiz.url, follow=True)
    assert "all attempts" in refused.content.decode() or "alle Versuche" in (
        refused.content.decode()
    )
    assert clerk.quiz_attempts.count() == 1


def test_finishing_twice_keeps_the_first_result(clerk, clerk_client, module):
    quiz = quiz_with(module, [SingleChoiceQuestionFactory()])
    attempt = _start(clerk_client, quiz)
    clerk_client.post(reverse("quizzes:finish", args=[attempt.pk]))
    attempt.refresh_from_db()
    finished_at = attempt.finished_at
    # An answer after finishing is refused; finishing again changes nothing.
    clerk_client.post(
        _question_url(attempt, 1), {"revision": "0", "option": _right_single(attempt, 0)}
    )
    clerk_client.post(reverse("quizzes:finish", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.finished_at == finished_at and attempt.score == 0.0
    assert not attempt.answers.exists()


def test_editing_and_deleting_questions_leaves_past_attempts_as_they_were(clerk_client, module):
    single = SingleChoiceQuestionFactory()
    ordering = OrderingQuestionFactory()
    short = ShortTextQuestionFactory()
    quiz = quiz_with(module, [single, ordering, short])
    attempt = _start(clerk_client, quiz)
    right = _right_single(attempt, 0)
    clerk_client.post(_question_url(attempt, 1), {"revision": "0", "option": right})
    clerk_client.post(reverse("quizzes:finish", args=[attempt.pk]))
    review_url = reverse("quizzes:review", args=[attempt.pk])
    before = _main(clerk_client.get(review_url).content)
    attempt.refresh_from_db()
    score = attempt.score

    # The trainer corrects the single-choice question (another option is right now,
    # with a new text) and deletes the ordering question.
    single.prompt = "Ganz neuer Fragetext?"
    options = list(single.options.raw_data)
    for option in options:
        option["value"]["correct"] = option["value"]["text"] == "Busfahrkarte"
    single.options = options
    single.save()
    ordering.delete()

    attempt.refresh_from_db()
    assert attempt.score == score
    assert _main(clerk_client.get(review_url).content) == before
    # A new attempt shows the new version.
    new = _start(clerk_client, quiz)
    assert new.number == 2
    assert next(q["prompt"] for q in new.questions) == "Ganz neuer Fragetext?"
    assert len(new.questions) == 2


def test_deleting_the_quiz_leaves_the_review(clerk_client, module):
    quiz = quiz_with(module, [SingleChoiceQuestionFactory()])
    attempt = _start(clerk_client, quiz)
    clerk_client.post(
        _question_url(attempt, 1), {"revision": "0", "option": _right_single(attempt, 0)}
    )
    clerk_client.post(reverse("quizzes:finish", args=[attempt.pk]))
    quiz.delete()
    response = clerk_client.get(reverse("quizzes:review", args=[attempt.pk]))
    assert response.status_code == 200
    assert "Reisepass" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.page_id is None and attempt.score == 100.0


def test_the_module_page_links_to_its_quiz(clerk_client, quiz, module):
    html = clerk_client.get(module.url).content.decode()
    assert f'href="{quiz.url}"' in html


def test_random_questions_are_drawn_from_a_tag(clerk, module):
    from taggit.models import Tag

    tag = Tag.objects.create(name="dokumente")
    tagged = SingleChoiceQuestionFactory.create_batch(5)
    for question in tagged:
        question.tags.add(tag)
    untagged = SingleChoiceQuestionFactory()
    fixed = ClozeQuestionFactory()
    fixed.tags.add(tag)
    quiz = quiz_with(module, [fixed], draw_tag=tag, draw_count=3)
    attempt = quiz_attempt_start(user=clerk, page=quiz)
    ids = [q["question_id"] for q in attempt.questions]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert fixed.pk in ids and untagged.pk not in ids
    assert set(ids) - {fixed.pk} <= {q.pk for q in tagged}


def test_free_text_is_self_assessed_after_seeing_the_model_answer(clerk_client, module):
    quiz = quiz_with(module, [ShortTextQuestionFactory()], feedback_timing="end")
    attempt = _start(clerk_client, quiz)
    url = _question_url(attempt, 1)
    assess = reverse("quizzes:self_assess", args=[attempt.pk, 1])
    clerk_client.post(url, {"revision": "0", "text": "Ich erkläre den Bescheid."})
    # Before finishing the model answer is hidden, so there is nothing to compare with.
    clerk_client.post(assess, {"self_assessment": "yes"})
    assert "self_assessment" not in attempt.answers.get().response
    clerk_client.post(reverse("quizzes:finish", args=[attempt.pk]))
    assert clerk_client.post(assess, {"self_assessment": "bogus"}).status_code == 302
    assert "self_assessment" not in attempt.answers.get().response
    clerk_client.post(assess, {"self_assessment": "partly"})
    assert attempt.answers.get().response["self_assessment"] == "partly"
    attempt.refresh_from_db()
    assert attempt.score == 100.0  # only scored questions count; free text never does
    review = clerk_client.get(reverse("quizzes:review", args=[attempt.pk])).content.decode()
    assert "Modellantwort-geheim" in review


def test_changing_the_quiz_rules_leaves_past_results(clerk_client, module):
    quiz = quiz_with(module, [SingleChoiceQuestionFactory()], pass_mark=60)
    attempt = _start(clerk_client, quiz)
    clerk_client.post(
        _question_url(attempt, 1), {"revision": "0", "option": _right_single(attempt, 0)}
    )
    clerk_client.post(reverse("quizzes:finish", args=[attempt.pk]))
    review_url = reverse("quizzes:review", args=[attempt.pk])
    before = _main(clerk_client.get(review_url).content)
    quiz.pass_mark = 100
    quiz.title = "Umbenannt"
    quiz.save_revision().publish()
    assert _main(clerk_client.get(review_url).content) == before
    attempt.refresh_from_db()
    assert attempt.passed and attempt.rules["pass_mark"] == 60
