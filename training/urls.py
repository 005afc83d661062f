from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from training import views, views_progress, views_vocabulary

account_patterns = [
    path("anmelden/", views.SignInView.as_view(), name="login"),
    path("abmelden/", views.SignOutView.as_view(), name="logout"),
    path(
        "passwort/aendern/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "passwort/geaendert/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "passwort/vergessen/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "passwort/vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "passwort/neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "passwort/neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

vocabulary_patterns = [
    path("", views_vocabulary.vocabulary_start, name="start"),
    path("karten/", views_vocabulary.vocabulary_review, name="review"),
]

training_patterns = [
    path("", views_progress.dashboard, name="dashboard"),
    path("lektion/<int:lesson_id>/erledigt/", views_progress.lesson_done, name="lesson_done"),
    path("team/", views_progress.team_overview, name="team"),
    path("benachrichtigungen/", views_progress.notifications, name="notifications"),
    path("team/<int:user_id>/", views_progress.member_record, name="member"),
    path("zuweisungen/", views_progress.assignment_list, name="assignments"),
    path("zuweisungen/neu/", views_progress.assignment_create_view, name="assignment_create"),
    path(
        "zuweisungen/<int:assignment_id>/",
        views_progress.assignment_edit_view,
        name="assignment_edit",
    ),
    path(
        "zuweisungen/<int:assignment_id>/zurueckziehen/",
        views_progress.assignment_withdraw_view,
        name="assignment_withdraw",
    ),
]

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("konto/", include(account_patterns)),
    path("sprache/", set_language, name="set_language"),
    path("glossar/", include("courses.urls")),
    path("vokabeln/anki/", include("exports.urls")),
    path("vokabeln/lernen/", include((vocabulary_patterns, "vocabulary"))),
    path("meine-fortbildung/", include((training_patterns, "training"))),
    path("meine-fortbildung/zertifikat/", include("exports.certificate_urls")),
    # Public: anyone holding a certificate's code may check it (no sign-in).
    path("zertifikat-pruefen/", views_progress.certificate_verify, name="certificate_verify"),
    path("pruefungen/", include("quizzes.urls")),
    path("szenarien/", include("quizzes.scenario_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
