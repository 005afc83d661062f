"""Template side of the page cache (``courses/page_cache.py``).

``{% capture "content" %}…{% endcapture %}`` in base.html wraps the blocks that come
from content only. It renders them as usual and, when the request was marked for
caching, also hands the HTML to the cache. ``{% reader_pk %}`` is the only personal value
allowed inside such a block: the reader's id, written as a placeholder into the cached
copy and replaced for every response.
"""

from django import template
from django.utils.safestring import mark_safe

from courses.page_cache import READER_PLACEHOLDER, capture_put, is_capturing, personalise

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        html = self.nodelist.render(context)
        request = context.get("request")
        if request is None:
            return html
        capture_put(request, self.name, html)
        # Rendered template output, already escaped; only a digit string was put in.
        return mark_safe(personalise(html, request))


@register.tag
def capture(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Use {% capture "name" %}…{% endcapture %}.')
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(bits[1][1:-1], nodelist)


@register.simple_tag(takes_context=True)
def reader_pk(context) -> str:
    """The signed-in reader's id; a placeholder while the HTML is captured for the cache."""
    request = context.get("request")
    if request is not None and is_capturing(request):
        return READER_PLACEHOLDER
    user = context.get("user")
    return str(user.pk) if user is not None and user.pk is not None else ""
