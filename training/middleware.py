import dataclasses
import logging

from django.conf import settings
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import translation
from wagtail import hooks
from wagtail.views import serve as wagtail_serve

from courses import page_cache

logger = logging.getLogger(__name__)


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


class PageCacheMiddleware:
    """Serves Wagtail pages from the page cache of this process (``courses/page_cache.py``).

    Only for a signed-in reader's GET without query string that resolved to Wagtail's
    page view. Sign-in is checked first, as ``require_sign_in`` would; then the content
    generation is read (one query) and a rendered page for (generation, language, scheme,
    host, port, path) is looked up. On a hit, base.html is rendered around the cached
    parts for this request, without Wagtail's routing. Otherwise Wagtail serves the page
    as always, and the parts base.html renders are kept if the page may be shown to every
    signed-in reader: a cacheable page type, a plain 200 response, and no view
    restriction on the page or above it.

    On a hit no ``before_serve_page`` or ``on_serve_page`` hook runs, so the cache is
    switched off as soon as any hook besides the known ones is registered: a new hook
    (progress tracking, say) must decide itself how it goes with the cache.
    """

    # Hooks whose work a hit already does: sign-in (checked first), the request method
    # (GET is allowed on every cacheable page type), view restrictions (a page with any
    # is never cached, and adding one renews the generation).
    KNOWN_HOOKS = {
        "before_serve_page": {
            "wagtail.wagtail_hooks.check_request_method",
            "training.wagtail_hooks.require_sign_in",
        },
        "on_serve_page": {"wagtail.wagtail_hooks.check_view_restrictions"},
    }

    def __init__(self, get_response):
        self.get_response = get_response
        self._enabled = None

    def enabled(self) -> bool:
        # Decided on the first request: by then every app has registered its hooks.
        if self._enabled is None:
            unknown = [
                f"{fn.__module__}.{fn.__qualname__}"
                for name, known in self.KNOWN_HOOKS.items()
                for fn in hooks.get_hooks(name)
                if f"{fn.__module__}.{fn.__qualname__}" not in known
            ]
            if unknown:
                logger.warning("Page cache off: unknown page hooks %s.", ", ".join(unknown))
            self._enabled = not unknown
        return self._enabled

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_page_cache_key", None) is not None:
            self._keep(request, response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # After URL resolution: only Wagtail's page view is looked up, other views cost
        # nothing extra.
        if (
            view_func is not wagtail_serve
            or request.method != "GET"
            or request.META.get("QUERY_STRING")
            or not self.enabled()
            or not request.user.is_authenticated
        ):
            return None
        generation = page_cache.current_generation()
        key = (
            "page",
            translation.get_language(),
            request.scheme,
            request.get_host(),
            request.get_port(),
            request.path,
        )
        entry = page_cache.fragments.get(generation, key)
        if entry is not None:
            return render(
                request, page_cache.CACHED_PAGE_TEMPLATE, page_cache.cached_page_context(entry)
            )
        request._page_cache_key = (generation, key)
        page_cache.capture_start(request)
        return None

    def _keep(self, request, response) -> None:
        """Keeps what base.html captured if the page may be shown to every reader."""
        page = (getattr(response, "context_data", None) or {}).get("page")
        if (
            response.status_code != 200
            or not isinstance(response, TemplateResponse)
            or response.has_header("Cache-Control")  # someone said "not for everybody"
            or type(page) not in page_cache.CACHEABLE_PAGE_TYPES
            or getattr(request, "is_preview", True)
            or page.get_view_restrictions().exists()
        ):
            return
        entry = page_cache.captured_fragments(request)
        if entry is not None:
            entry = dataclasses.replace(entry, page_id=page.pk, page_model=page._meta.label_lower)
            generation, key = request._page_cache_key
            page_cache.fragments.set(generation, key, entry)


class LessonVisitMiddleware:
    """Records the reader's visit of a lesson (for "continue where I stopped").

    The progress frame of base.html (``training/templatetags/training_progress.py``)
    notes which lesson it showed, on a page-cache hit as on a miss; this writes the visit
    once the page was rendered successfully. Placed before ``PageCacheMiddleware``, so
    that it sees the responses of both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        shown = getattr(request, "progress_lesson_shown", None)
        if shown is not None and request.method == "GET" and response.status_code == 200:
            from training.progress import lesson_visit_record

            lesson_id, known, last_visit = shown
            lesson_visit_record(
                user=request.user, lesson_id=lesson_id, known=known, last_visit=last_visit
            )
        return response
