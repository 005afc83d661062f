from django import template

from courses.blocks import expand_rich_text_links

register = template.Library()


@register.simple_tag
def lesson_blocks(stream) -> list:
    """The blocks of a lesson body ready to render without further queries for the
    links inside their rich text (see ``expand_rich_text_links``)."""
    return expand_rich_text_links(stream)
