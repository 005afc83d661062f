"""Branching counter scenarios: the page trainers build, the versions plays are pinned
to, the plays of clerks and the choices they made."""

from http import HTTPMethod

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from quizzes.scenario_blocks import ScenarioStepsBlock
from quizzes.scenario_graph import DIMENSIONS, MOOD_MAX, MOOD_MIN, definition_from_steps

__all__ = ["ScenarioChoice", "ScenarioPage", "ScenarioPlay", "ScenarioVersion"]


class ScenarioPage(Page):
    """A counter scenario under a module. Served by Wagtail, never from the page cache:
    what it shows depends on the reader's own plays.

    ``serve()`` is a few overridable steps, like wagtail.contrib.forms: a GET shows the
    introduction with the reader's open and finished plays, a POST starts (or resumes) a
    play through ``scenario_play_start`` and redirects to it.
    """

    intro = models.TextField(_("introduction"), blank=True)
    initial_mood = models.PositiveSmallIntegerField(
        _("client mood at the start"),
        default=3,
        validators=[MinValueValidator(MOOD_MIN), MaxValueValidator(MOOD_MAX)],
        help_text=_("0 = very upset, 5 = very content."),
    )
    steps = StreamField(
        ScenarioStepsBlock(),
        verbose_name=_("steps"),
        help_text=_("The first step is where the client arrives."),
    )
    pass_requires_success = models.BooleanField(
        _("passing needs a successful ending"), default=True
    )
    min_legal = models.SmallIntegerField(
        _("minimum score: legal correctness"), null=True, blank=True
    )
    min_deescalation = models.SmallIntegerField(
        _("minimum score: de-escalation"), null=True, blank=True
    )
    min_plain_language = models.SmallIntegerField(
        _("minimum score: plain language"), null=True, blank=True
    )
    is_demo = models.BooleanField(_("demo content"), default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("initial_mood"),
        FieldPanel("steps"),
        MultiFieldPanel(
            [
                FieldPanel("pass_requires_success"),
                FieldPanel("min_legal"),
                FieldPanel("min_deescalation"),
                FieldPanel("min_plain_language"),
            ],
            heading=_("When is the scenario passed?"),
        ),
        FieldPanel("is_demo"),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []
    # GET shows the overview, POST starts or resumes a play; nothing else is served.
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS, HTTPMethod.POST]

    class Meta:
        verbose_name = _("counter scenario")
        verbose_name_plural = _("counter scenarios")

    # --- What a play is pinned to ---------------------------------------------------

    def definition(self, *, image_data=None) -> dict:
        return definition_from_steps(
            self.steps, initial_mood=self.initial_mood, image_data=image_data
        )

    def pass_rule(self) -> dict:
        return {
            "success_ending": self.pass_requires_success,
            "minimums": {name: getattr(self, f"min_{name}") for name in DIMENSIONS},
        }

    # --- Serving -------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        from quizzes.scenario_selectors import scenario_plays_of_page

        context = super().get_context(request, *args, **kwargs)
        plays = scenario_plays_of_page(user=request.user, page=self)
        context["open_play"] = next(
            (p for p in plays if p.status == ScenarioPlay.Status.OPEN), None
        )
        context["finished_plays"] = [p for p in plays if p.status == ScenarioPlay.Status.FINISHED]
        return context

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            return self.serve_start(request)
        return self.serve_overview(request, *args, **kwargs)

    def serve_overview(self, request, *args, **kwargs):
        request.is_preview = False
        response = TemplateResponse(
            request,
            "quizzes/scenario/scenario_page.html",
            self.get_context(request, *args, **kwargs),
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def serve_start(self, request):
        from quizzes.scenario_services import ScenarioUnavailable, scenario_play_start

        try:
            play = scenario_play_start(user=request.user, page=self)
        except ScenarioUnavailable:
            raise Http404 from None
        return redirect("scenarios:play", play_id=play.pk)

    def serve_preview(self, request, mode_name):
        """Trainers preview the draft as the whole scenario at once: every step with its
        options, consequences and feedback."""
        from quizzes.scenario_diagram import diagram_context

        context = {"page": self, "request": request, **diagram_context(self.definition())}
        return TemplateResponse(request, "quizzes/scenario/preview.html", context)


class ScenarioVersion(models.Model):
    """The immutable scenario a play is pinned to: the definition of one published
    revision, compiled once. Kept when the page or its revisions are deleted."""

    page = models.ForeignKey(
        ScenarioPage,
        on_delete=models.SET_NULL,
        null=True,
        related_name="scenario_versions",
        verbose_name=_("scenario"),
    )
    # The Wagtail revision's id, not a foreign key: revisions are deleted with their page.
    revision_id = models.PositiveBigIntegerField(_("revision"), unique=True)
    title = models.CharField(_("title"), max_length=255)
    definition = models.JSONField(_("definition"))
    pass_rule = models.JSONField(_("pass rule"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scenario version")
        verbose_name_plural = _("scenario versions")

    def __str__(self):
        return f"{self.title} (#{self.revision_id})"


class ScenarioPlay(models.Model):
    """One clerk's run through one version of a scenario."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FINISHED = "finished", _("finished")
        ABANDONED = "abandoned", _("abandoned")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="scenario_plays",
        verbose_name=_("user"),
    )
    page = models.ForeignKey(
        ScenarioPage,
        on_delete=models.SET_NULL,
        null=True,
        related_name="scenario_plays",
        verbose_name=_("scenario"),
    )
    version = models.ForeignKey(
        ScenarioVersion, on_delete=models.PROTECT, related_name="plays", verbose_name=_("version")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    step_key = models.CharField(_("current step"), max_length=50)
    turn = models.PositiveIntegerField(_("choices made"), default=0)
    state = models.JSONField(_("state"))
    scores = models.JSONField(_("scores"))
    ending_key = models.CharField(_("ending"), max_length=50, blank=True)
    ending_title = models.CharField(_("ending title"), max_length=150, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    # When the play ended: finished at an ending, or abandoned for a fresh start.
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("scenario play")
        verbose_name_plural = _("scenario plays")
        constraints = [
            # One open play per person and scenario: starting twice resumes it.
            models.UniqueConstraint(
                fields=["user", "page"],
                condition=Q(status="open"),
                name="quizzes_scenarioplay_one_open",
            ),
            models.CheckConstraint(
                condition=Q(status="open", finished_at__isnull=True)
                | Q(status__in=["finished", "abandoned"], finished_at__isnull=False),
                name="quizzes_scenarioplay_finished_at",
            ),
        ]
        indexes = [models.Index(fields=["page", "status"])]

    def __str__(self):
        return f"{self.version.title} – {self.user} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ScenarioChoice(models.Model):
    """One choice of a play; what it did is read from the play's immutable version."""

    play = models.ForeignKey(ScenarioPlay, on_delete=models.CASCADE, related_name="choices")
    turn = models.PositiveIntegerField(_("turn"))
    step_key = models.CharField(_("step"), max_length=50)
    step_title = models.CharField(_("step title"), max_length=150)
    option_index = models.PositiveSmallIntegerField(_("option"))
    option_text = models.CharField(_("option text"), max_length=300)
    next_step = models.CharField(_("next step"), max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["play", "turn"]
        verbose_name = _("scenario choice")
        verbose_name_plural = _("scenario choices")
        constraints = [
            # One choice per turn: the database refuses a second advance from the same step.
            models.UniqueConstraint(fields=["play", "turn"], name="quizzes_scenariochoice_turn"),
        ]

    def __str__(self):
        return f"{self.step_key} → {self.option_index}"
