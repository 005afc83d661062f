from quizzes.models.attempts import (
    AttemptStatus,
    QuizAnswer,
    QuizAttempt,
    QuizAttemptQuerySet,
    QuizRegrade,
)
from quizzes.models.questions import (
    QUESTION_TYPES,
    ClozeQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OrderingQuestion,
    Question,
    QuestionQuerySet,
    ResponseInvalid,
    ShortTextQuestion,
    SingleChoiceQuestion,
    TaggedQuestion,
    TrueFalseQuestion,
    normalise_answer,
)
from quizzes.models.quiz import FeedbackTiming, QuizPage, QuizPageQuestion

__all__ = [
    "QUESTION_TYPES",
    "AttemptStatus",
    "ClozeQuestion",
    "FeedbackTiming",
    "MatchingQuestion",
    "MultipleChoiceQuestion",
    "OrderingQuestion",
    "Question",
    "QuestionQuerySet",
    "QuizAnswer",
    "QuizAttempt",
    "QuizAttemptQuerySet",
    "QuizPage",
    "QuizPageQuestion",
    "QuizRegrade",
    "ResponseInvalid",
    "ShortTextQuestion",
    "SingleChoiceQuestion",
    "TaggedQuestion",
    "TrueFalseQuestion",
    "normalise_answer",
]
from quizzes.models.scenarios import *  # noqa: F403
