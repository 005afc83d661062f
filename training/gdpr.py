"""One person's complete training record, for a data-protection access request.

Everything the training record holds about the person, as plain data (dates as ISO
strings). ``exports/record_exports.py`` turns it into JSON and PDF.
"""

from __future__ import annotations

from django.utils import timezone

from training.models import (
    AssignmentLog,
    Certificate,
    CourseCompletion,
    LessonProgress,
    Membership,
    ReminderSent,
    User,
    VocabularyCard,
    VocabularyReview,
)
from training.records import person_record


def _iso(value):
    return value.isoformat() if value is not None else None


def training_record_export(*, user: User) -> dict:
    """The person's record: account, teams, obligations with status, lesson progress,
    course completions, certificates, reminders, vocabulary cards and reviews, and the
    assignment changes they made."""
    record = person_record(user=user)
    return {
        "generated_at": timezone.now().isoformat(),
        "person": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
            "date_joined": _iso(user.date_joined),
            "left_at": _iso(user.left_at),
            "weekly_digest": user.weekly_digest,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "teams": [
            {"team": m.team.name, "role": m.role, "joined_at": _iso(m.joined_at)}
            for m in Membership.objects.filter(user=user).select_related("team")
        ],
        "assigned_training": [
            {
                "page": item.page.title,
                "kind": "course" if item.is_course else "module",
                "due": _iso(item.due),
                "status": item.status,
                "percent": item.percent,
                "assigned_at": _iso(item.obligation.assignment.created_at),
            }
            for item in record.items
        ],
        "lesson_progress": [
            {
                "lesson": p.lesson.title,
                "first_visited_at": _iso(p.first_visited_at),
                "last_visited_at": _iso(p.last_visited_at),
                "completed_at": _iso(p.completed_at),
            }
            for p in LessonProgress.objects.filter(user=user)
            .select_related("lesson")
            .order_by("first_visited_at")
        ],
        "course_completions": [
            {
                "course": c.course.title,
                "completed_at": _iso(c.completed_at),
                "valid_until": _iso(c.valid_until),
            }
            for c in CourseCompletion.objects.filter(user=user).select_related("course")
        ],
        "certificates": [
            {
                "code": c.code,
                "name": c.holder_name,
                "course": c.course_title,
                "completed_on": _iso(c.completed_on),
                "valid_until": _iso(c.valid_until),
                "issued_at": _iso(c.issued_at),
                "revoked_at": _iso(c.revoked_at),
            }
            for c in Certificate.objects.filter(user=user)
        ],
        "reminders": [
            {"occasion": r.occasion, "claimed_at": _iso(r.claimed_at), "sent_at": _iso(r.sent_at)}
            for r in ReminderSent.objects.filter(user=user).order_by("claimed_at")
        ],
        "vocabulary_cards": [
            {
                "term": c.term.key,
                "language": c.language,
                "direction": c.direction,
                "state": c.state,
                "stability": c.stability,
                "due": _iso(c.due),
                "last_review": _iso(c.last_review),
            }
            for c in VocabularyCard.objects.filter(user=user).select_related("term")
        ],
        "vocabulary_reviews": [
            {
                "term": r.card.term.key,
                "language": r.card.language,
                "rating": r.rating,
                "reviewed_at": _iso(r.reviewed_at),
            }
            for r in VocabularyReview.objects.filter(user=user)
            .select_related("card__term")
            .order_by("reviewed_at")
        ],
        "assignment_changes_made": [
            {"assignment": e.assignment_id, "action": e.action, "at": _iso(e.at)}
            for e in AssignmentLog.objects.filter(actor=user).order_by("at")
        ],
    }
