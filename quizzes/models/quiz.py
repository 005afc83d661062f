"""The quiz as a Wagtail page in a module: which questions, pass mark, attempts, shuffling.

Never cached (it is not in ``CACHEABLE_PAGE_TYPES``): what it shows depends on the reader.
``serve()`` is a few overridable steps, like wagtail.contrib.forms, each calling a service.
"""

import random

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from quizzes.models.questions import Question


class FeedbackTiming(models.TextChoices):
    AFTER_EACH = "each", _("after each question")
    AT_END = "end", _("at the end")


class QuizPage(Page):
    intro = RichTextField(_("introduction"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of the points needed to pass, in percent."),
    )
    attempt_limit = models.PositiveSmallIntegerField(
        _("attempt limit"), default=0, help_text=_("0 means as many attempts as wanted.")
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle answer options"), default=True)
    feedback_timing = models.CharField(
        _("show feedback"),
        max_length=4,
        choices=FeedbackTiming.choices,
        default=FeedbackTiming.AFTER_EACH,
        help_text=_("After each question, answers cannot be changed once feedback is shown."),
    )
    draw_tag = models.ForeignKey(
        "taggit.Tag",
        verbose_name=_("draw random questions tagged"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    draw_count = models.PositiveSmallIntegerField(
        _("number of random questions"), default=0, blank=True
    )
    is_demo = models.BooleanField(_("demo content"), default=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel("fixed_questions", heading=_("Fixed questions"), label=_("Question")),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("draw_tag"), FieldPanel("draw_count")])],
            heading=_("Random questions"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("attempt_limit")]),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_options"),
                FieldPanel("feedback_timing"),
                FieldPanel("is_demo"),
            ],
            heading=_("Rules"),
        ),
    ]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []
    template = "quizzes/quiz/quiz_page.html"

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    # --- Serving: small steps -------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            return self.serve_start(request)
        return self.serve_landing(request)

    def serve_landing(self, request):
        from quizzes.selectors import quiz_attempts_of

        context = self.get_context(request)
        context.update(quiz_attempts_of(user=request.user, page=self))
        response = TemplateResponse(request, self.get_template(request), context)
        response["Cache-Control"] = "private, no-store"
        return response

    def serve_start(self, request):
        from quizzes.services import QuizAttemptRefused, quiz_attempt_start

        try:
            attempt = quiz_attempt_start(user=request.user, page=self)
        except QuizAttemptRefused as refusal:
            from django.contrib import messages

            messages.error(request, str(refusal))
            return redirect(self.url)
        return redirect(attempt.get_absolute_url())

    # --- Drawing questions ------------------------------------------------------------

    def questions_for_attempt(self, rng: random.Random) -> list[Question]:
        """The live questions of a new attempt, in the order shown. A fixed number of
        queries: one for the fixed rows, one for the tag, one per question type."""
        fixed_ids = list(
            self.fixed_questions.order_by("sort_order").values_list("question_id", flat=True)
        )
        drawn_ids = []
        if self.draw_tag_id and self.draw_count:
            pool = list(
                Question.objects.non_polymorphic()
                .filter(tagged_items__tag_id=self.draw_tag_id)
                .exclude(pk__in=fixed_ids)
                .order_by("pk")
                .values_list("pk", flat=True)
                .distinct()
            )
            drawn_ids = rng.sample(pool, min(self.draw_count, len(pool)))
        ids = list(dict.fromkeys([*fixed_ids, *drawn_ids]))
        by_id = {q.pk: q for q in Question.objects.filter(pk__in=ids)}
        questions = [by_id[i] for i in ids if i in by_id]
        if self.shuffle_questions:
            rng.shuffle(questions)
        return questions


class QuizPageQuestion(Orderable):
    """A fixed question of a quiz: an ordinary foreign-key row to the snippet (never a
    polymorphic child row of the page)."""

    page = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="fixed_questions")
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("question")]

    class Meta(Orderable.Meta):
        verbose_name = _("fixed question")
