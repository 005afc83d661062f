"""Attempts: what one clerk saw and answered in one go at a quiz, frozen in a snapshot."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from quizzes.models.questions import QUESTION_TYPES


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("open")
    FINISHED = "finished", _("finished")


class QuizAttemptQuerySet(models.QuerySet):
    def of_user(self, user):
        return self.filter(user=user)

    def finished(self):
        return self.filter(status=AttemptStatus.FINISHED)

    def open(self):
        return self.filter(status=AttemptStatus.OPEN)


class QuizAttempt(models.Model):
    """``snapshot`` holds the quiz's rules and every question as shown (with its grading
    key), so the attempt, its score and its review never change when the quiz or a
    question is edited or deleted."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    page = models.ForeignKey(
        "quizzes.QuizPage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="attempts",
    )
    quiz_title = models.CharField(max_length=255)
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.OPEN
    )
    snapshot = models.JSONField()
    # Where the clerk is: the index of the question to show on resuming.
    position = models.PositiveIntegerField(default=0)
    score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = QuizAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page", "number"], name="quizzes_attempt_unique_number"
            ),
            # At most one open attempt per person and quiz, even under a race.
            models.UniqueConstraint(
                fields=["user", "page"],
                condition=Q(status="open"),
                name="quizzes_attempt_one_open",
            ),
        ]

    def __str__(self):
        return f"{self.quiz_title} #{self.number}"

    def get_absolute_url(self):
        return reverse("quizzes:resume", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    @property
    def questions(self) -> list[dict]:
        return self.snapshot["questions"]

    @property
    def rules(self) -> dict:
        return self.snapshot["rules"]

    @property
    def feedback_after_each(self) -> bool:
        return self.rules["feedback_timing"] == "each"

    def question_type(self, position: int):
        return QUESTION_TYPES[self.questions[position]["type"]]


class QuizAnswer(models.Model):
    """One answer to one question of an attempt. ``revision`` grows with every change; a
    form carries the revision it was made from, so an older page cannot overwrite."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveIntegerField()
    response = models.JSONField()
    score = models.FloatField()
    revision = models.PositiveIntegerField(default=1)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="quizzes_answer_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.attempt} / {self.position + 1}"


class QuizRegrade(models.Model):
    """The log of one regrade: who applied it, when, and every score it changed."""

    page = models.ForeignKey(
        "quizzes.QuizPage", on_delete=models.SET_NULL, null=True, related_name="regrades"
    )
    quiz_title = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # [{"attempt": id, "old": score, "new": score}, …]
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quiz regrade")
        verbose_name_plural = _("quiz regrades")

    def __str__(self):
        return f"{self.quiz_title} {self.created_at:%Y-%m-%d %H:%M}"
