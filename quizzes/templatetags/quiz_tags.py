from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, or None."""
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)


@register.filter
def position_of(order, item_id):
    """1-based position of ``item_id`` in ``order``, or None."""
    if not isinstance(order, list) or item_id not in order:
        return None
    return order.index(item_id) + 1


@register.filter
def gap_number(gap_id):
    """“g0” → 1: the number of a cloze gap as the clerk counts."""
    try:
        return int(str(gap_id).lstrip("g")) + 1
    except ValueError:
        return ""
