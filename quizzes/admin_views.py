"""Trainer's views in the admin: results per quiz (aggregates only, no names) and the
regrade action with its dry run (aggregates too). Figures about scores need at least
``training.reports.scores.min_group_size()`` distinct people; fewer show "too few
people"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from quizzes.models import QuizPage, QuizRegrade
from quizzes.selectors import quiz_statistics
from quizzes.services import quiz_attempts_regrade, quiz_attempts_regrade_summary
from training.reports.scores import min_group_size

RESULTS_PERMISSION = "quizzes.view_quizattempt"
REGRADE_PERMISSION = "quizzes.add_quizregrade"


class _ResultsPermission:
    permission = RESULTS_PERMISSION

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class QuizResultsIndexView(_ResultsPermission, WagtailAdminTemplateMixin, TemplateView):
    template_name = "quizzes/admin/results_index.html"
    page_title = _("Quiz results")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        finished = Q(attempts__status="finished")
        quizzes = list(
            QuizPage.objects.annotate(
                finished=Count("attempts", filter=finished),
                people=Count("attempts__user", filter=finished, distinct=True),
                passed_count=Count("attempts", filter=finished & Q(attempts__passed=True)),
            )
            .order_by("path")
            .only("pk", "title", "path")
        )
        minimum = min_group_size()
        for quiz in quizzes:
            # How many passed is one person's result when few took the quiz.
            quiz.too_few = bool(quiz.finished) and quiz.people < minimum
            if quiz.too_few:
                quiz.passed_count = None
        context["quizzes"] = quizzes
        return context


class QuizResultsView(_ResultsPermission, WagtailAdminTemplateMixin, TemplateView):
    template_name = "quizzes/admin/results.html"
    header_icon = "doc-full"

    def get_page_title(self):
        return gettext("Results: %(title)s") % {"title": self.quiz.title}

    def dispatch(self, request, *args, page_id: int, **kwargs):
        self.quiz = get_object_or_404(QuizPage, pk=page_id)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quizzes_results:index"), "label": gettext("Quiz results")},
            {"url": "", "label": self.quiz.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["quiz"] = self.quiz
        context["stats"] = quiz_statistics(page=self.quiz)
        context["may_regrade"] = self.request.user.has_perm(REGRADE_PERMISSION)
        context["regrades"] = QuizRegrade.objects.filter(page=self.quiz).select_related("user")[:10]
        return context


class QuizRegradeView(_ResultsPermission, WagtailAdminTemplateMixin, TemplateView):
    """GET: the dry run, as aggregates (how many attempts change, pass rate and average
    before and after for enough people). POST: apply and log."""

    permission = REGRADE_PERMISSION
    template_name = "quizzes/admin/regrade.html"
    header_icon = "redo"

    def get_page_title(self):
        return gettext("Regrade: %(title)s") % {"title": self.quiz.title}

    def dispatch(self, request, *args, page_id: int, **kwargs):
        self.quiz = get_object_or_404(QuizPage, pk=page_id)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("quizzes_results:index"), "label": gettext("Quiz results")},
            {
                "url": reverse("quizzes_results:quiz", args=[self.quiz.pk]),
                "label": self.quiz.title,
            },
            {"url": "", "label": gettext("Regrade")},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(quiz=self.quiz, summary=quiz_attempts_regrade_summary(page=self.quiz))
        return context

    def post(self, request, *args, **kwargs):
        regrade = quiz_attempts_regrade(page=self.quiz, user=request.user)
        messages.success(
            request,
            gettext("Regraded: %(count)d attempts changed.") % {"count": len(regrade.changes)},
        )
        return redirect("quizzes_results:quiz", self.quiz.pk)
