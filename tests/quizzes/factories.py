"""Factories for the question bank and quizzes."""

import factory
import wagtail_factories

from quizzes.models import (
    ClozeQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OrderingQuestion,
    QuizPage,
    QuizPageQuestion,
    ShortTextQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)


class _QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Frage {n}")
    prompt = factory.Sequence(lambda n: f"Fragetext {n}?")
    explanation = factory.Sequence(lambda n: f"Erklärung-{n}-geheim")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        # Stream block ids are given on save; read them back as stored.
        obj.refresh_from_db()
        return obj


def _option(text, correct=False, feedback=""):
    return ("option", {"text": text, "correct": correct, "feedback": feedback})


class SingleChoiceQuestionFactory(_QuestionFactory):
    class Meta:
        model = SingleChoiceQuestion

    options = factory.LazyFunction(
        lambda: [
            _option("Reisepass", True, "Rückmeldung-richtig-Pass"),
            _option("Bibliotheksausweis", False, "Rückmeldung-falsch-Bibliothek"),
            _option("Busfahrkarte", False, "Rückmeldung-falsch-Bus"),
        ]
    )


class MultipleChoiceQuestionFactory(_QuestionFactory):
    class Meta:
        model = MultipleChoiceQuestion

    options = factory.LazyFunction(
        lambda: [
            _option("Mietvertrag", True, "Rückmeldung-Miete"),
            _option("Wohnungsgeberbestätigung", True, "Rückmeldung-Wohnungsgeber"),
            _option("Zeugnis der Grundschule", False, "Rückmeldung-Zeugnis"),
            _option("Lieblingsrezept", False, "Rückmeldung-Rezept"),
        ]
    )


class TrueFalseQuestionFactory(_QuestionFactory):
    class Meta:
        model = TrueFalseQuestion

    statement_is_true = False
    feedback_true = "Rückmeldung-wahr-geheim"
    feedback_false = "Rückmeldung-falsch-geheim"


class OrderingQuestionFactory(_QuestionFactory):
    class Meta:
        model = OrderingQuestion

    items = factory.LazyFunction(
        lambda: [
            ("item", {"text": "Begrüßen"}),
            ("item", {"text": "Anliegen klären"}),
            ("item", {"text": "Unterlagen prüfen"}),
            ("item", {"text": "Nächsten Schritt erklären"}),
        ]
    )


class MatchingQuestionFactory(_QuestionFactory):
    class Meta:
        model = MatchingQuestion

    pairs = factory.LazyFunction(
        lambda: [
            ("pair", {"left": "Reisepass", "right": "passport", "feedback": "Rückmeldung-Pass"}),
            ("pair", {"left": "Frist", "right": "deadline", "feedback": ""}),
            ("pair", {"left": "Gebühr", "right": "fee", "feedback": ""}),
        ]
    )


class ClozeQuestionFactory(_QuestionFactory):
    class Meta:
        model = ClozeQuestion

    text = "Die [[Blaue Karte EU|Blue Card]] ist ein [[Aufenthaltstitel]]."


class ShortTextQuestionFactory(_QuestionFactory):
    class Meta:
        model = ShortTextQuestion

    model_answer = "Modellantwort-geheim"


ALL_TYPE_FACTORIES = [
    SingleChoiceQuestionFactory,
    MultipleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    OrderingQuestionFactory,
    MatchingQuestionFactory,
    ClozeQuestionFactory,
    ShortTextQuestionFactory,
]


class QuizPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = QuizPage

    title = factory.Sequence(lambda n: f"Quiz {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    pass_mark = 60
    shuffle_questions = False
    shuffle_options = False


def quiz_with(parent, questions, **fields) -> QuizPage:
    """A published quiz under ``parent`` with ``questions`` as its fixed questions."""
    quiz = QuizPageFactory.build(**fields)
    parent.add_child(instance=quiz)
    for n, question in enumerate(questions):
        QuizPageQuestion.objects.create(page=quiz, question=question, sort_order=n)
    quiz.save_revision().publish()
    return QuizPage.objects.get(pk=quiz.pk)


def one_of_each() -> list:
    return [f() for f in ALL_TYPE_FACTORIES]
