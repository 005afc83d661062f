"""Wagtail admin of the quizzes app.

Question bank: one snippet viewset per concrete question type, grouped in one menu with a
listing of all questions whose edit links lead to each type's own viewset (the base type
has no editor of its own). Results and regrade views per quiz (aggregates only).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from quizzes.admin_views import (
    RESULTS_PERMISSION,
    QuizRegradeView,
    QuizResultsIndexView,
    QuizResultsView,
)
from quizzes.models import (
    ClozeQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OrderingQuestion,
    Question,
    ScenarioPage,
    ShortTextQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from quizzes.scenario_admin import (
    ScenarioDiagramView,
    ScenarioIndexView,
    ScenarioStatisticsView,
    scenario_admin_allowed,
)

# --- Question bank ---------------------------------------------------------------------


class _TypeColumn(Column):
    def get_value(self, instance):
        return instance._meta.verbose_name


class AllQuestionsIndexView(IndexView):
    """Every question of every type; each row links to its own type's editor."""

    def get_edit_url(self, instance):
        return AdminURLFinder(self.request.user).get_edit_url(instance)

    def get_copy_url(self, instance):
        return None

    def get_inspect_url(self, instance):
        return None

    def get_delete_url(self, instance):
        viewset = getattr(type(instance), "snippet_viewset", None)
        if viewset is None or viewset.model is Question:
            return None
        if not viewset.permission_policy.user_has_permission(self.request.user, "delete"):
            return None
        return reverse(viewset.get_url_name("delete"), args=[instance.pk])

    def get_add_url(self):
        return None


def _add_a_type_first(request):
    # The base type has no editor: a question is always of one type.
    messages.info(request, _("Choose the type of question in the menu first."))
    return redirect(Question.snippet_viewset.get_url_name("list"))


def _edit_as_its_type(request, pk):
    question = get_object_or_404(Question, pk=pk)
    url = AdminURLFinder(request.user).get_edit_url(question)
    if url is None:
        raise PermissionDenied
    return redirect(url)


class AllQuestionsViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = _("All questions")
    url_prefix = "quizzes/questions"
    index_view_class = AllQuestionsIndexView
    list_display = ["title", _TypeColumn("type", label=_("type")), "updated_at"]
    list_filter = ["is_demo"]
    copy_view_enabled = False
    inspect_view_enabled = False

    @property
    def add_view(self):
        return _add_a_type_first

    @property
    def edit_view(self):
        return _edit_as_its_type


def _type_viewset(question_model, icon: str) -> type[SnippetViewSet]:
    return type(
        f"{question_model.__name__}ViewSet",
        (SnippetViewSet,),
        {
            "model": question_model,
            "icon": icon,
            "list_display": ["title", "updated_at"],
            "list_filter": ["is_demo"],
            "url_prefix": f"quizzes/{question_model._meta.model_name}",
        },
    )


QUESTION_VIEWSETS = [
    AllQuestionsViewSet,
    _type_viewset(SingleChoiceQuestion, "radio-full"),
    _type_viewset(MultipleChoiceQuestion, "tasks"),
    _type_viewset(TrueFalseQuestion, "tick"),
    _type_viewset(OrderingQuestion, "list-ol"),
    _type_viewset(MatchingQuestion, "link"),
    _type_viewset(ClozeQuestion, "edit"),
    _type_viewset(ShortTextQuestion, "doc-full"),
]


class QuestionBankGroup(SnippetViewSetGroup):
    items = QUESTION_VIEWSETS
    menu_label = _("Question bank")
    menu_icon = "help"
    menu_order = 250


register_snippet(QuestionBankGroup)


# --- Results and regrade ---------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_quiz_results_urls():
    urls = [
        path("", QuizResultsIndexView.as_view(), name="index"),
        path("<int:page_id>/", QuizResultsView.as_view(), name="quiz"),
        path("<int:page_id>/neu-bewerten/", QuizRegradeView.as_view(), name="regrade"),
    ]
    return [path("quizzes/results/", include((urls, "quizzes_results")))]


class _ResultsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(RESULTS_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_quiz_results_menu_item():
    return _ResultsMenuItem(
        _("Quiz results"),
        reverse("quizzes_results:index"),
        name="quiz-results",
        icon_name="doc-full",
        order=950,
    )


# --- Counter scenarios ------------------------------------------------------------------


@hooks.register("register_admin_urls")
def scenario_admin_urls():
    patterns = [
        path("", ScenarioIndexView.as_view(), name="index"),
        path("<int:page_id>/diagramm/", ScenarioDiagramView.as_view(), name="diagram"),
        path("<int:page_id>/statistik/", ScenarioStatisticsView.as_view(), name="statistics"),
    ]
    return [path("szenarien/", include((patterns, "scenario_admin")))]


@hooks.register("register_page_header_buttons")
def scenario_header_buttons(page, user, view_name, next_url=None):
    if page.specific_class is None or not issubclass(page.specific_class, ScenarioPage):
        return
    if not page.permissions_for_user(user).can_edit():
        return
    yield PageMenuItem(
        _("Diagram"),
        reverse("scenario_admin:diagram", args=[page.pk]),
        icon_name="site",
        priority=80,
        page=page,
    )
    yield PageMenuItem(
        _("Statistics"),
        reverse("scenario_admin:statistics", args=[page.pk]),
        icon_name="table",
        priority=81,
        page=page,
    )


class ScenarioReportMenuItem(MenuItem):
    def is_shown(self, request):
        return scenario_admin_allowed(request.user)


@hooks.register("register_reports_menu_item")
def scenario_report_menu_item():
    return ScenarioReportMenuItem(
        _("Counter scenarios"),
        reverse("scenario_admin:index"),
        name="scenarios",
        icon_name="table",
        order=650,
    )


# --- End of counter scenarios -----------------------------------------------------------
