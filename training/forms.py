"""Forms of the account pages."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's sign-in form with a plainer message for a wrong user name or password.

    The message is the same for an unknown user, a wrong password and a deactivated
    account, so it does not reveal which accounts exist.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name or the password is not correct. Both are case-sensitive."
        ),
    }
