"""Trainer's views in the admin: results per quiz (aggregates only, no names) and the
regrade action with its dry run."""

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
from quizzes.services import quiz_attempts_regrade, quiz_attempts_regrade_preview

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
        context["quizzes"] = (
            QuizPage.objects.annotate(
                finished=Count("attempts", filter=Q(attempts__status="finished")),
                passed_count=Count(
                    "attempts", filter=Q(attempts__status="finished", attempts__passed=True)
                ),
            )
            .order_by("path")
            .only("pk", "title", "path")
        )
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
    """GET: the dry run (old and new score per attempt). POST: apply and log."""

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
        rows = quiz_attempts_regrade_preview(page=self.quiz)
        context.update(
            quiz=self.quiz,
            rows=rows,
            changed=[r for r in rows if r.changed],
        )
        return context

    def post(self, request, *args, **kwargs):
        regrade = quiz_attempts_regrade(page=self.quiz, user=request.user)
        messages.success(
            request,
            gettext("Regraded: %(count)d attempts changed.") % {"count": len(regrade.changes)},
        )
        return redirect("quizzes_results:quiz", self.quiz.pk)
