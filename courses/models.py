"""Course content (catalogue, course, module, lesson pages) and the service-vocabulary termbase."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.blocks import LessonStreamBlock
from courses.languages import Language, text_direction


class Topic(models.Model):
    """A subject area of the termbase, e.g. residence titles or documents."""

    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name (German)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    panels = [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class Article(models.TextChoices):
    DER = "der", "der"
    DIE = "die", "die"
    DAS = "das", "das"
    NONE = "", _("(no article)")


class Level(models.TextChoices):
    BASIC = "basic", _("Basic")
    ADVANCED = "advanced", _("Advanced")
    EXPERT = "expert", _("Expert")


class TermQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired=False)

    def with_translations(self):
        return self.select_related("topic").prefetch_related("translations")


class Term(index.Indexed, ClusterableModel):
    """One German service term with its translations: the heart of the platform.

    ``key`` is permanent: flashcards derive their identity from it, so it never
    changes when the spelling or a translation is corrected.
    """

    key = models.SlugField(
        _("permanent key"),
        max_length=120,
        unique=True,
        help_text=_("Never change this once the term is in use: flashcards are keyed by it."),
    )
    term = models.CharField(_("German term"), max_length=200)
    article = models.CharField(_("article"), max_length=3, choices=Article.choices, blank=True)
    plural = models.CharField(_("plural"), max_length=200, blank=True)
    explanation = models.TextField(_("plain-language explanation"))
    example = models.TextField(_("example sentence at the counter"), blank=True)
    spoken_text = models.CharField(
        _("spoken text"),
        max_length=300,
        blank=True,
        help_text=_("How the term is read aloud, e.g. abbreviations written out."),
    )
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        related_name="terms",
        null=True,
        blank=True,
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.BASIC)
    is_demo = models.BooleanField(_("demo content"), default=False)
    retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("Retired terms disappear from the glossary and are tagged in flashcards."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()

    panels = [
        MultiFieldPanel(
            [FieldPanel("article"), FieldPanel("term"), FieldPanel("plural")], heading=_("Term")
        ),
        FieldPanel("explanation"),
        FieldPanel("example"),
        FieldPanel("legal_reference"),
        MultiFieldPanel(
            [
                FieldPanel("topic"),
                FieldPanel("level"),
                FieldPanel("key"),
                FieldPanel("spoken_text"),
            ],
            heading=_("Classification"),
        ),
        InlinePanel("translations", heading=_("Translations"), label=_("Translation")),
        MultiFieldPanel([FieldPanel("retired"), FieldPanel("is_demo")], heading=_("Status")),
    ]

    search_fields = [
        index.SearchField("term"),
        index.SearchField("plural"),
        index.SearchField("explanation"),
        index.AutocompleteField("term"),
        index.FilterField("retired"),
        index.FilterField("topic"),
    ]

    class Meta:
        ordering = ["term"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(Lower("term"), name="courses_term_unique_term_ci"),
        ]

    def __str__(self):
        return self.with_article

    @property
    def with_article(self) -> str:
        return f"{self.article} {self.term}" if self.article else self.term

    @property
    def spoken(self) -> str:
        return self.spoken_text or self.with_article

    @cached_property
    def translations_by_language(self) -> dict[str, "TermTranslation"]:
        """Uses prefetched translations when present (no query per term)."""
        return {t.language: t for t in self.translations.all()}


class TermTranslation(models.Model):
    term = ParentalKey(Term, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=5, choices=Language.choices)
    text = models.CharField(_("translation"), max_length=300)
    example = models.TextField(_("example sentence (translated)"), blank=True)
    spoken_text = models.CharField(_("spoken text"), max_length=300, blank=True)

    panels = [
        FieldPanel("language"),
        FieldPanel("text"),
        FieldPanel("example"),
        FieldPanel("spoken_text"),
    ]

    class Meta:
        ordering = ["term", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["term", "language"], name="courses_translation_unique"),
        ]

    def __str__(self):
        return f"{self.language}: {self.text}"

    @property
    def direction(self) -> str:
        return text_direction(self.language)


# --- Pages -----------------------------------------------------------------------------


class CataloguePage(Page):
    """The course catalogue: the home page clerks land on after signing in."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = CoursePage.objects.child_of(self).live().public()
        return context


class CoursePage(Page):
    summary = models.TextField(_("summary"), blank=True)
    intro = RichTextField(_("introduction"), blank=True)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo content"), default=False)
    validity_months = models.PositiveSmallIntegerField(
        _("validity in months"),
        null=True,
        blank=True,
        help_text=_(
            "How long a completion stays valid, e.g. 24. Before it expires the clerk is "
            "told and the course opens again. Empty: valid without limit."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("intro"),
        FieldPanel("audience"),
        FieldPanel("duration_minutes"),
        FieldPanel("validity_months"),
        FieldPanel("is_demo"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("intro")]
    parent_page_types = ["courses.CataloguePage"]
    subpage_types = ["courses.ModulePage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def modules(self):
        return ModulePage.objects.child_of(self).live().public()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["modules"] = self.modules()
        return context


class ModulePage(Page):
    intro = RichTextField(_("introduction"), blank=True)
    objectives = RichTextField(_("learning objectives"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), null=True, blank=True)
    vocabulary_goal_percent = models.PositiveSmallIntegerField(
        _("vocabulary goal (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Share of this module's terms a clerk must have learned in the vocabulary "
            "review for the module to count as complete, e.g. 80. Empty: no goal."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("objectives"),
        FieldPanel("duration_minutes"),
        FieldPanel("vocabulary_goal_percent"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage", "quizzes.QuizPage", "quizzes.ScenarioPage"]

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def lessons(self):
        return LessonPage.objects.child_of(self).live().public()

    def activities(self):
        """Other published children (quizzes, scenarios): courses knows them only as pages."""
        return self.get_children().live().public().not_type(LessonPage)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = self.lessons()
        context["activities"] = self.activities()
        return context


class LessonPage(Page):
    class CompletionMode(models.TextChoices):
        MARKED_DONE = "marked", _("When the clerk marks it as done")
        END_REACHED = "end", _("When the clerk reaches its end")

    intro = models.TextField(_("introduction"), blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration in minutes"), null=True, blank=True)
    body = StreamField(LessonStreamBlock(), verbose_name=_("content"), blank=True)
    completion_mode = models.CharField(
        _("counts as complete"),
        max_length=10,
        choices=CompletionMode.choices,
        default=CompletionMode.MARKED_DONE,
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("duration_minutes"),
        FieldPanel("completion_mode"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")


# --- Content generation ----------------------------------------------------------------


def vocabulary_term_ids(ancestor: Page) -> list[int]:
    """Ids of the terms in the vocabulary blocks of the published lessons under ``ancestor``
    (``ancestor`` itself included, so a lesson gives its own terms), in reading order.

    Reads the stored stream (one query) rather than block values: turning each lesson's
    blocks into Term objects costs queries per lesson, and only the ids are needed.
    """
    bodies = (
        LessonPage.objects.live()
        .descendant_of(ancestor, inclusive=True)
        .order_by("path")
        .values_list("body", flat=True)
    )
    ids: dict[int, None] = {}
    for body in bodies:
        ids.update(dict.fromkeys(body_term_ids(body)))
    return list(ids)


def body_term_ids(body) -> list[int]:
    """Ids of the terms in the vocabulary blocks of one lesson body (a ``StreamValue``),
    in reading order; lets callers read many lessons' bodies in one query."""
    ids: dict[int, None] = {}
    for block in body.raw_data:
        if block["type"] != "vocabulary":
            continue
        for item in block["value"].get("terms") or []:
            # ListBlock items are stored as {"type": "item", "value": pk, "id": ...}
            # since Wagtail 2.16; older content holds the bare pk.
            pk = item.get("value") if isinstance(item, dict) else item
            if isinstance(pk, int):
                ids[pk] = None
    return list(ids)


class ContentGeneration(models.Model):
    """One row whose value changes with every change to what a page can show.

    Rendered pages and glossary results are cached per web process under this value
    (``courses/page_cache.py``); reading it costs each request one cheap query, and a new
    value written in the same transaction as the change makes every process's cache stale
    at the moment the change commits.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("content generation")

    def __str__(self):
        return str(self.value)


# The receivers that write a new generation must be connected in every process that can
# change content (web, worker, management commands); all of them import the models.
from courses import page_cache  # noqa: E402, F401
