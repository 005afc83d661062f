"""Admin views of a scenario for trainers: the diagram of the latest draft and the
aggregated choices of all plays (no names; only for ``min_group_size()`` people or
more). Linked from the page's header in the admin."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from quizzes.models import ScenarioPage
from quizzes.scenario_diagram import diagram_context
from quizzes.scenario_selectors import scenario_pages_with_counts, scenario_statistics


def scenario_admin_allowed(user) -> bool:
    """Trainers and administrators: anyone who may edit pages."""
    from wagtail.models import Page
    from wagtail.permission_policies.pages import PagePermissionPolicy

    return PagePermissionPolicy(Page).user_has_any_permission(user, ["add", "change", "publish"])


class ScenarioIndexView(WagtailAdminTemplateMixin, TemplateView):
    """Every scenario the person may edit, with its play counts (aggregates only)."""

    template_name = "quizzes/scenario/admin/index.html"
    page_title = _("Counter scenarios")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not scenario_admin_allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from wagtail.models import Page
        from wagtail.permission_policies.pages import PagePermissionPolicy

        context = super().get_context_data(**kwargs)
        editable = PagePermissionPolicy(Page).instances_user_has_any_permission_for(
            self.request.user, ["change", "publish"]
        )
        context["scenarios"] = scenario_pages_with_counts(pages=editable)
        return context


class _ScenarioAdminView(WagtailAdminTemplateMixin, TemplateView):
    def dispatch(self, request, *args, **kwargs):
        self.page = get_object_or_404(ScenarioPage, pk=kwargs["page_id"])
        if not self.page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
                "label": self.page.title,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scenario"] = self.page
        context["edit_url"] = reverse("wagtailadmin_pages:edit", args=[self.page.pk])
        context["diagram_url"] = reverse("scenario_admin:diagram", args=[self.page.pk])
        context["statistics_url"] = reverse("scenario_admin:statistics", args=[self.page.pk])
        return context


class ScenarioDiagramView(_ScenarioAdminView):
    template_name = "quizzes/scenario/admin/diagram.html"
    page_title = _("Scenario diagram")
    header_icon = "site"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The latest draft: what the trainer is editing, not only what is published.
        latest = self.page.get_latest_revision_as_object()
        context.update(diagram_context(latest.definition()))
        return context


class ScenarioStatisticsView(_ScenarioAdminView):
    template_name = "quizzes/scenario/admin/statistics.html"
    page_title = _("Scenario statistics")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statistics = scenario_statistics(page=self.page)
        counts = {
            (row["step_key"], row["option_index"], row["option_text"]): row["count"]
            for row in statistics["options"]
        }
        # The options of the published version first, each with its count (zero too),
        # then anything chosen on earlier versions that the current one no longer has.
        # With too few people there are no counts, and no zeros either.
        steps = []
        seen = set()
        definition_steps = [] if statistics["options_too_few"] else self.page.definition()["steps"]
        for step in definition_steps:
            rows = []
            for index, option in enumerate(step["options"]):
                key = (step["key"], index, option["text"][:300])
                seen.add(key)
                rows.append({"text": option["text"], "count": counts.get(key, 0)})
            if rows:
                steps.append({"key": step["key"], "title": step["title"], "options": rows})
        earlier = [
            row
            for row in statistics["options"]
            if (row["step_key"], row["option_index"], row["option_text"]) not in seen
        ]
        context.update(
            {
                "steps": steps,
                "earlier_options": earlier,
                "endings": statistics["endings"],
                "totals": statistics["totals"],
                "options_too_few": statistics["options_too_few"],
                "endings_too_few": statistics["endings_too_few"],
                "min_group": statistics["min_group_size"],
            }
        )
        return context
