from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from courses.glossary import GlossaryFilterForm, glossary_entry, glossary_terms
from courses.languages import Language
from courses.models import Topic

GLOSSARY_PAGE_SIZE = 50


@login_required
def glossary(request):
    """The clerks' glossary: every active term, searchable and filterable, 50 per page."""
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
    return render(
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
