from django.conf import settings
from django.shortcuts import render
from django.utils import translation


class GermanFirstLocaleMiddleware:
    """German unless the person chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language header; here the
    working language is German and English is an explicit choice (the language cookie
    set by ``set_language``), so the header is ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.get("Vary", "")
        if "Cookie" not in patch:
            response["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        return response


ADMIN_PREFIX = "/admin/"


class AdminAccessMiddleware:
    """Signed-in people without admin access get a plain 403 for every admin address.

    Wagtail would send them to its login form, which reads as if a password were wrong;
    for a clerk the honest answer is "no access".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(ADMIN_PREFIX)
            and request.user.is_authenticated
            and not request.user.has_perm("wagtailadmin.access_admin")
        ):
            return render(request, "403.html", status=403)
        return self.get_response(request)
