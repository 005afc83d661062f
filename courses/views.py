from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from courses.languages import Language
from courses.models import Term, Topic


@login_required
def glossary(request):
    query = request.GET.get("q", "")[:100]
    terms = Term.objects.active().search(query).with_translations()
    topic = request.GET.get("topic", "")
    if topic:
        terms = terms.filter(topic__slug=topic)
    page = Paginator(terms, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/glossary.html",
        {
            "page_obj": page,
            "query": query,
            "topic": topic,
            "topics": Topic.objects.all(),
            "languages": Language.choices,
        },
    )
