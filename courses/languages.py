"""The client languages of the termbase and how each is written."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    # Label: German name first (the clerks' working language), endonym beside it.
    EN = "en", _("English (English)")
    AR = "ar", _("Arabic (العربية)")
    UK = "uk", _("Ukrainian (Українська)")
    RU = "ru", _("Russian (Русский)")
    TR = "tr", _("Turkish (Türkçe)")
    FA = "fa", _("Persian (فارسی)")


RIGHT_TO_LEFT = frozenset({Language.AR, Language.FA})


def text_direction(code: str) -> str:
    """The HTML ``dir`` value for text in the language ``code``."""
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"
