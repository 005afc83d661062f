"""Meine Fortbildung: the clerk's own training record, lessons marked as done, a
manager's view of their team members, and assignments. Ordinary Django views (never the
page cache): everything here is about a person.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.models import LessonPage
from training.assignments import (
    assignment_create,
    assignment_update,
    assignment_withdraw,
    manageable_assignments,
    managed_member_ids,
    may_manage_assignments,
)
from training.certificates import certificate_code_normalise, certificate_is_valid
from training.forms_assignments import AssignmentForm
from training.models import Membership, Team, User
from training.progress import course_completion_record, lesson_complete, notifications_set
from training.records import person_record, training_records
from training.vocabulary import vocabulary_due


@login_required
@require_POST
def lesson_done(request, lesson_id: int):
    """The frame's "mark as done" button (or, with how=end, the end of the lesson)."""
    how = request.POST.get("how", LessonPage.CompletionMode.MARKED_DONE)
    if how not in LessonPage.CompletionMode.values:
        how = LessonPage.CompletionMode.MARKED_DONE
    progress = lesson_complete(user=request.user, lesson_id=lesson_id, how=how)
    done = progress.completed_at is not None
    message = _("Lesson marked as done.")
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"completed": done, "message": message})
    if done:
        messages.success(request, message)
    return redirect(progress.lesson.url or "training:dashboard")


def _record_context(request, person: User) -> dict:
    record = person_record(user=person, request=request)
    if person == request.user and record.unrecorded_courses:
        # Complete under the rules without a completion of this round yet: finished by
        # something other than a lesson (a vocabulary goal reached in the review, say).
        for course in record.unrecorded_courses:
            course_completion_record(user=person, course=course)
        record = person_record(user=person, request=request)
    return {
        "person": person,
        "record": record,
        "vocabulary_due": vocabulary_due(user=person).count(),
    }


@login_required
def dashboard(request):
    """Meine Fortbildung: assigned training with due dates and status, where to go on,
    completed training with certificates, vocabulary due."""
    context = _record_context(request, request.user)
    context["own"] = True
    context["manages"] = may_manage_assignments(request.user)
    return render(request, "training/dashboard.html", context)


@login_required
def team_overview(request):
    """A manager's teams with their members' records in brief."""
    teams = list(
        Team.objects.managed_by(request.user).prefetch_related("memberships__user").distinct()
    )
    if not teams:
        raise Http404
    member_ids = managed_member_ids(request.user)
    records = training_records(user_ids=member_ids, request=request)
    rows = []
    for team in teams:
        members = [
            (m.user, records.get(m.user_id))
            for m in team.memberships.all()
            if m.role == Membership.Role.MEMBER and m.user_id in records
        ]
        rows.append((team, members))
    return render(request, "training/team_overview.html", {"teams": rows})


@login_required
def member_record(request, user_id: int):
    """A team member's record, for the managers of their teams only (404 for others)."""
    if user_id == request.user.pk:
        return redirect("training:dashboard")
    if user_id not in managed_member_ids(request.user):
        raise Http404
    person = get_object_or_404(User, pk=user_id)
    context = _record_context(request, person)
    context["own"] = False
    return render(request, "training/dashboard.html", context)


def _require_manager(request):
    if not may_manage_assignments(request.user):
        raise Http404


@login_required
def assignment_list(request):
    _require_manager(request)
    assignments = (
        manageable_assignments(request.user)
        .prefetch_related("teams", "people", "roles")
        .order_by("-created_at")
    )
    return render(request, "training/assignment_list.html", {"assignments": assignments})


def _save(request, form, assignment=None):
    try:
        if assignment is None:
            assignment_create(actor=request.user, data=form.data_object())
            messages.success(request, _("The training was assigned."))
        else:
            assignment_update(actor=request.user, assignment=assignment, data=form.data_object())
            messages.success(request, _("The assignment was changed."))
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    except PermissionDenied:
        form.add_error(None, _("You may not assign training to these teams or people."))
        return None
    return redirect("training:assignments")


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create_view(request):
    _require_manager(request)
    form = AssignmentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form)
        if response is not None:
            return response
    return render(request, "training/assignment_form.html", {"form": form, "assignment": None})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit_view(request, assignment_id: int):
    _require_manager(request)
    assignment = get_object_or_404(manageable_assignments(request.user), pk=assignment_id)
    form = AssignmentForm(
        request.POST or None,
        actor=request.user,
        initial=AssignmentForm.initial_from(assignment),
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, assignment)
        if response is not None:
            return response
    log = assignment.log.select_related("actor")
    return render(
        request,
        "training/assignment_form.html",
        {"form": form, "assignment": assignment, "log": log},
    )


@login_required
@require_POST
def assignment_withdraw_view(request, assignment_id: int):
    _require_manager(request)
    assignment = get_object_or_404(manageable_assignments(request.user), pk=assignment_id)
    assignment_withdraw(actor=request.user, assignment=assignment)
    messages.success(request, _("The assignment was withdrawn."))
    return redirect("training:assignments")


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """The manager's weekly digest: on or off."""
    if request.method == "POST":
        wanted = request.POST.get("weekly_digest") == "on"
        notifications_set(user=request.user, weekly_digest=wanted)
        messages.success(request, _("Your choice was saved."))
        return redirect("training:notifications")
    return render(request, "training/notifications.html", {})


@require_http_methods(["GET", "POST"])
def certificate_verify(request):
    """Public: is this certificate code valid? Nothing else about the certificate."""
    result = None
    code = ""
    if request.method == "POST":
        code = certificate_code_normalise(request.POST.get("code", ""))[:40]
        result = certificate_is_valid(code)
    response = render(request, "training/certificate_verify.html", {"result": result, "code": code})
    response["Cache-Control"] = "private, no-store"
    return response
