from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import translation

from courses import page_cache
from courses.glossary import GlossaryFilterForm, glossary_entry, glossary_terms
from courses.languages import Language
from courses.models import Topic

GLOSSARY_PAGE_SIZE = 50


@login_required
def glossary(request):
    """The clerks' glossary: every active term, searchable and filterable, 50 per page.

    Everything but the frame depends only on the query string, the language and the
    termbase, so it is cached for them (``courses/page_cache.py``); the query string is
    taken as it is, because the filter and page links repeat it.
    """
    # Only a plain GET is answered from or kept in the cache.
    generation = page_cache.current_generation() if request.method == "GET" else None
    key = ("glossary", translation.get_language(), request.META.get("QUERY_STRING", ""))
    entry = page_cache.fragments.get(generation, key)
    if entry is not None:
        return render(
            request, page_cache.CACHED_PAGE_TEMPLATE, page_cache.cached_page_context(entry)
        )
    page_cache.capture_start(request)
    topics = list(Topic.objects.all())
    form = GlossaryFilterForm(request.GET, topics=topics)
    # An invalid filter (an old bookmark with a deleted topic, say) is shown as an error
    # next to its field and left out; the other filters still apply.
    form.is_valid()
    filters = {name: form.cleaned_data.get(name) or "" for name in ("q", "topic", "language")}
    terms = glossary_terms(text=filters["q"], topic=filters["topic"], language=filters["language"])
    page = Paginator(terms, GLOSSARY_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [glossary_entry(term) for term in page.object_list]
    language = filters["language"]
    response = render(
        request,
        "courses/glossary.html",
        {
            "form": form,
            "page_obj": page,
            "entries": entries,
            "is_filtered": any(filters.values()),
            "language_label": Language(language).label if language else "",
        },
    )
    entry = page_cache.captured_fragments(request)
    if entry is not None:
        page_cache.fragments.set(generation, key, entry)
    return response
