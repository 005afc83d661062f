"""The floor: the cheapest signed-in Django page of a given size.

Each page of the platform is measured against this view returning the same number of
bytes. It pays for what every signed-in request pays (middleware, session and user
lookup, writing the bytes) and nothing else, so the ratio of the two shows what the
page's own work costs.
"""

from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

MAX_BYTES = 5 * 1024 * 1024

_HEAD = (
    '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
    "<title>Floor</title></head><body><p>"
)
_TAIL = "</p></body></html>\n"


@lru_cache(maxsize=16)
def floor_html(size: int) -> bytes:
    """An HTML document of exactly ``size`` bytes (at least the bare frame)."""
    filler = max(0, size - len(_HEAD) - len(_TAIL))
    return (_HEAD + "x" * filler + _TAIL).encode()


@login_required
def floor(request, size: int):
    return HttpResponse(floor_html(min(size, MAX_BYTES)), content_type="text/html; charset=utf-8")
