"""Account views: sign-in, sign-out and password reset, tuned for a German-first staff site."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from training.forms import SignInForm


class SignInView(auth_views.LoginView):
    """Django's sign-in; someone already signed in goes straight on to ``next``.

    ``next`` is followed only if it is on this site (Django's ``url_has_allowed_host_and_scheme``).
    """

    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign-out by POST only (Django's rule); back to the sign-in page with a confirmation."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # The session is gone now; the message travels in the messages cookie.
        messages.success(request, _("You have been signed out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Sends one plain-text mail, German first and English below.

    The recipient's language is unknown when the mail is sent, so both are in it. The
    response never tells whether the address belongs to an account.
    """

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        # Django names the site after the request's host; ours has a proper name.
        self.extra_email_context = {
            "site_name": settings.WAGTAIL_SITE_NAME,
            "authority_name": settings.AUTHORITY_NAME,
            "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
        }
        return super().form_valid(form)
