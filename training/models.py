"""The training record: people and teams, and their vocabulary review (spaced repetition)."""

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
