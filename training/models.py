"""The training record: people and teams, their vocabulary review (spaced repetition),
progress, assignments, recertification, reminders and certificates."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from courses.languages import Language


class User(AbstractUser):
    """A member of staff. Kept close to Django's user so Wagtail's user admin works as is."""

    left_at = models.DateField(
        _("left the authority on"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the person leaves; their training record is pseudonymised after the "
            "retention period."
        ),
    )
    weekly_digest = models.BooleanField(
        _("weekly digest of overdue training"),
        default=True,
        help_text=_("Managers receive a weekly mail about their teams' overdue training."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username


class TeamQuerySet(models.QuerySet):
    def managed_by(self, user):
        return self.filter(memberships__user=user, memberships__role=Membership.Role.MANAGER)


class Team(ClusterableModel):
    """An organisational unit (Sachgebiet) with members and managers."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("key"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )

    objects = TeamQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        InlinePanel("memberships", heading=_("Members and managers"), label=_("Membership")),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        MANAGER = "manager", _("Manager")

    team = ParentalKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    panels = [FieldPanel("user"), FieldPanel("role")]

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="training_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.team} ({self.get_role_display()})"


# --- Vocabulary review (spaced repetition in the browser) ------------------------------


class VocabularyCard(models.Model):
    """One person's memory of one term in one client language and direction.

    The scheduling fields are those of an ``fsrs.Card`` (``training/vocabulary.py``);
    nothing else about the person is kept here.
    """

    class Direction(models.TextChoices):
        GERMAN_FIRST = "de-x", _("German → language")
        LANGUAGE_FIRST = "x-de", _("Language → German")

    class State(models.IntegerChoices):
        LEARNING = 1, _("Learning")
        REVIEW = 2, _("Review")
        RELEARNING = 3, _("Relearning")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vocabulary_cards"
    )
    term = models.ForeignKey(
        "courses.Term", on_delete=models.CASCADE, related_name="vocabulary_cards"
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    state = models.PositiveSmallIntegerField(_("state"), choices=State.choices, default=1)
    step = models.PositiveSmallIntegerField(_("learning step"), null=True, blank=True, default=0)
    stability = models.FloatField(_("stability"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty"), null=True, blank=True)
    due = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last review"), null=True, blank=True)

    class Meta:
        verbose_name = _("vocabulary card")
        verbose_name_plural = _("vocabulary cards")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "term", "language", "direction"],
                name="training_vocabularycard_unique",
            ),
        ]
        indexes = [models.Index(fields=["user", "due"], name="training_vocab_user_due")]

    def __str__(self):
        return f"{self.term_id}/{self.language}/{self.direction}"


class VocabularyReview(models.Model):
    """One rating of a card; ``request_id`` makes a repeated submission count once."""

    class Rating(models.IntegerChoices):
        AGAIN = 1, _("Again")
        HARD = 2, _("Hard")
        GOOD = 3, _("Good")
        EASY = 4, _("Easy")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vocabulary_reviews"
    )
    card = models.ForeignKey(VocabularyCard, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    reviewed_at = models.DateTimeField(_("reviewed at"))
    request_id = models.UUIDField(_("request id"))
    due_before = models.DateTimeField(_("due before"))
    due_after = models.DateTimeField(_("due after"))

    class Meta:
        verbose_name = _("vocabulary review")
        verbose_name_plural = _("vocabulary reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "request_id"], name="training_vocabularyreview_request_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=4),
                name="training_vocabularyreview_rating_range",
            ),
        ]

    def __str__(self):
        return f"{self.card_id}: {self.rating}"


# --- Progress --------------------------------------------------------------------------


class LessonProgress(models.Model):
    """One person's work on one lesson: when they were last there and when they finished.

    ``completed_at`` is the latest completion; whether it still counts (recertification)
    is decided by the rules in ``training/completion.py``, so one row per lesson is enough.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    first_visited_at = models.DateTimeField(_("first visit"))
    last_visited_at = models.DateTimeField(_("last visit"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="training_lessonprogress_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-last_visited_at"], name="training_lessonprog_recent"),
        ]

    def __str__(self):
        return f"{self.user_id}/{self.lesson_id}"


class CourseCompletion(models.Model):
    """A completed course, kept as history: a renewal adds a row, never overwrites one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="course_completions",
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="completions"
    )
    completed_at = models.DateTimeField(_("completed"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        indexes = [
            models.Index(
                fields=["user", "course", "-completed_at"], name="training_coursecompl_user"
            ),
        ]

    def __str__(self):
        return f"{self.user_id}/{self.course_id} {self.completed_at:%Y-%m-%d}"


class RecertificationRequirement(models.Model):
    """Content of a module changed (a new law): completions from before ``changed_at`` no
    longer count for it, so only the clerks who finished it earlier must redo it."""

    module = models.ForeignKey(
        "courses.ModulePage", on_delete=models.CASCADE, related_name="recertifications"
    )
    changed_at = models.DateTimeField(_("content changed at"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at"]
        verbose_name = _("recertification requirement")
        verbose_name_plural = _("recertification requirements")

    def __str__(self):
        return f"{self.module_id} {self.changed_at:%Y-%m-%d}: {self.reason}"


# --- Assignments -----------------------------------------------------------------------


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class Assignment(models.Model):
    """A course or module that people must complete by a due date.

    Who is obliged is computed, never copied: the members of ``teams`` at the moment
    (someone who joins later is obliged, someone who leaves is not, and keeps their
    progress), the ``people`` named, and everybody in one of ``roles`` (mandatory for a
    role). See ``training/assignments.py``.
    """

    class DueMode(models.TextChoices):
        FIXED = "fixed", _("On a fixed date")
        AFTER_ASSIGNMENT = "assigned", _("A number of days after the assignment")
        AFTER_JOINING = "joined", _("A number of days after joining the team")

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("course or module"),
        on_delete=models.CASCADE,
        related_name="training_assignments",
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="assignments")
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="personal_assignments"
    )
    roles = models.ManyToManyField(
        "auth.Group", verbose_name=_("mandatory for roles"), blank=True, related_name="+"
    )
    due_mode = models.CharField(_("due"), max_length=10, choices=DueMode.choices)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("assigned at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        permissions = [("assign_to_roles", _("Can assign training to every team and role"))]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(due_mode="fixed", due_date__isnull=False)
                    | models.Q(~models.Q(due_mode="fixed"), due_days__isnull=False)
                ),
                name="training_assignment_due_complete",
            ),
        ]

    def __str__(self):
        return f"{self.page_id} ({self.get_due_mode_display()})"


class AssignmentLog(models.Model):
    """Every change of an assignment: who, when, what (field values before and after)."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("assignment log entry")
        verbose_name_plural = _("assignment log")

    def __str__(self):
        return f"{self.assignment_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


# --- Reminders -------------------------------------------------------------------------


class ReminderSent(models.Model):
    """A reminder claimed for one (assignment, person, occasion): the unique constraint
    makes it go out once, also when two workers run the same task at once."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    occasion = models.CharField(_("occasion"), max_length=40)
    claimed_at = models.DateTimeField(_("claimed at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "occasion"], name="training_remindersent_once"
            ),
        ]

    def __str__(self):
        return f"{self.assignment_id}/{self.user_id}/{self.occasion}"


class DigestSent(models.Model):
    """The weekly digest claimed for one manager and ISO week (once per week)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.CharField(_("week"), max_length=8)  # ISO week, e.g. "2026-W49"
    claimed_at = models.DateTimeField(_("claimed at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="training_digestsent_once"),
        ]

    def __str__(self):
        return f"{self.user_id}/{self.week}"


# --- Certificates ----------------------------------------------------------------------


class Certificate(models.Model):
    """A certificate for a course completion, verifiable by its code.

    Name and course title are copied when it is issued: the verification page shows
    neither, but the PDF must read the same whenever it is downloaded. When a person's
    record is pseudonymised the name is replaced and ``user`` cleared; the code stays
    valid.
    """

    code = models.CharField(_("verification code"), max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    completion = models.OneToOneField(
        CourseCompletion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificate",
    )
    holder_name = models.CharField(_("name"), max_length=300)
    course_title = models.CharField(_("course"), max_length=255)
    completed_on = models.DateField(_("completed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.code


# The reports' audit log lives with the reports; imported here so Django sees the model.
from training.reports.models import ReportAudit  # noqa: E402, F401
