"""StreamField blocks that trainers build lessons from.

Every block gives the editor an icon, a description and a preview; display logic
lives in StructValue classes, not in templates.

Query budget: a lesson page must cost the same number of queries whatever its
length. Wagtail converts all stream children of one type with one
``bulk_to_python`` call, so every database lookup below happens there, once per
block type, and never while a template renders.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlparse

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.rich_text import RichText, expand_db_html
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.languages import Language, text_direction

SPOKEN_LANGUAGES = [("de", _("German")), *Language.choices]

# Every block renders its admin preview inside the site's own stylesheet.
PREVIEW_TEMPLATE = "courses/blocks/preview.html"


# --- Rich text ----------------------------------------------------------------------

# Separates the rich texts of a lesson while their links are expanded in one pass;
# an HTML comment, because Wagtail's rewriter leaves everything but link tags alone.
_RICH_TEXT_BOUNDARY = "<!--lesson-rich-text-boundary-->"


class ExpandedRichText(RichText):
    """Rich text whose page and document links are already expanded."""

    def __init__(self, source: str, html: str):
        super().__init__(source)
        self.html = html

    def __html__(self):
        return render_to_string("wagtailcore/shared/richtext.html", {"html": self.html})


def _rich_text_slots(holder, key, value, found: list) -> None:
    """Collect ``(rich text, setter)`` for every rich text inside a block value."""
    if isinstance(value, RichText):
        if isinstance(holder, dict):
            found.append((value, lambda new: holder.__setitem__(key, new)))
        else:
            found.append((value, lambda new: setattr(holder, key, new)))
    elif isinstance(value, blocks.StructValue):
        for name, item in value.items():
            _rich_text_slots(value, name, item, found)
    elif isinstance(value, blocks.list_block.ListValue):
        for child in value.bound_blocks:
            _rich_text_slots(child, "value", child.value, found)
    elif isinstance(value, blocks.StreamValue):
        for child in value:
            _rich_text_slots(child, "value", child.value, found)


def expand_rich_text_links(stream: blocks.StreamValue) -> list:
    """The children of ``stream``, every rich text inside them expanded in one pass.

    Wagtail expands each rich text when it renders it, with its own queries for the
    pages and documents it links to: a lesson with twenty linked texts would cost
    twenty rounds. Expanded together, all links of the lesson cost one round.
    """
    children = list(stream)  # converts every block type in bulk
    found: list = []
    for child in children:
        _rich_text_slots(child, "value", child.value, found)
    found = [(text, put) for text, put in found if text.source]
    if not found or any(_RICH_TEXT_BOUNDARY in text.source for text, _put in found):
        return children  # nothing to do, or content we cannot split safely
    joined = _RICH_TEXT_BOUNDARY.join(text.source for text, _put in found)
    parts = expand_db_html(joined).split(_RICH_TEXT_BOUNDARY)
    if len(parts) == len(found):
        for (text, put), html in zip(found, parts, strict=True):
            put(ExpandedRichText(text.source, html))
    return children


class RichTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "courses/blocks/rich_text.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Formatted text with headings, lists and links.")
        preview_value = (
            "<h2>Willkommen</h2><p>Ein freundlicher Gruß und der eigene Name "
            "schaffen Vertrauen.</p>"
        )
        features = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


# --- Figure --------------------------------------------------------------------------

# The two widths a figure is delivered in: phones take the small one (srcset).
FIGURE_SMALL = "width-480"
FIGURE_LARGE = "width-960"


class FigureValue(blocks.StructValue):
    @cached_property
    def renditions(self) -> dict:
        """Both sizes of the image; served from the renditions prefetched in
        ``FigureBlock.bulk_to_python`` (a missing file degrades to a broken image
        instead of a server error)."""
        image = self.get("image")
        if image is None:
            return {}
        return get_renditions_or_not_found(image, [FIGURE_SMALL, FIGURE_LARGE])

    def small(self):
        return self.renditions.get(FIGURE_SMALL)

    def large(self):
        return self.renditions.get(FIGURE_LARGE)

    def srcset(self) -> str:
        small, large = self.small(), self.large()
        if not small or not large or small.width == large.width:
            return ""
        return f"{small.url} {small.width}w, {large.url} {large.width}w"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_("Describe the image for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "courses/blocks/figure.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("An image with alternative text and an optional caption.")
        label = _("Image")
        value_class = FigureValue

    def bulk_to_python(self, values):
        figures = super().bulk_to_python(values)
        images = [figure["image"] for figure in figures if figure["image"] is not None]
        if images:
            from wagtail.images import get_image_model

            renditions = (
                get_image_model()
                .get_rendition_model()
                .objects.filter(filter_spec__in=[FIGURE_SMALL, FIGURE_LARGE])
            )
            # One query for the renditions of every figure in the lesson; Wagtail's
            # get_renditions() reads ``prefetched_renditions`` before the database.
            prefetch_related_objects(
                images, Prefetch("renditions", renditions, to_attr="prefetched_renditions")
            )
        return figures

    def get_preview_value(self):
        """The newest image in the library, or a figure without image when the library
        is still empty (the template then shows the alternative text)."""
        from wagtail.images import get_image_model

        image = get_image_model().objects.order_by("-created_at").first()
        return self.normalize(
            {
                "image": image,
                "alt_text": "Sachbearbeiterin begrüßt eine Familie am Schalter.",
                "caption": "Ein freundlicher Empfang am Schalter",
            }
        )


# --- Video ---------------------------------------------------------------------------

_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


class VideoValue(blocks.StructValue):
    def embed_url(self) -> str:
        """A privacy-friendly embed address for YouTube and Vimeo links, built without
        asking the provider (the platform must work without internet access).

        Anything else gives ``""``: the template then shows only the link, because an
        unknown address in an iframe could frame any page at all.
        """
        url = self.get("url") or ""
        parsed = urlparse(url)
        host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
        segments = [s for s in parsed.path.split("/") if s]
        video_id = ""
        if host in {"youtube.com", "youtube-nocookie.com"}:
            if len(segments) >= 2 and segments[0] in {"embed", "shorts", "live", "v"}:
                video_id = segments[1]
            elif segments == ["watch"]:
                video_id = parse_qs(parsed.query).get("v", [""])[0]
        elif host == "youtu.be" and len(segments) == 1:
            video_id = segments[0]
        if video_id:
            if not _VIDEO_ID.match(video_id):
                return ""
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        vimeo_id = ""
        if host == "vimeo.com" and segments and segments[-1].isdigit():
            vimeo_id = segments[-1]
        elif host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
            vimeo_id = segments[1] if segments[1].isdigit() else ""
        if vimeo_id:
            # Unlisted Vimeo videos only play with their privacy hash.
            private_hash = parse_qs(parsed.query).get("h", [""])[0]
            query = f"?{urlencode({'h': private_hash})}" if private_hash.isalnum() else ""
            return f"https://player.vimeo.com/video/{vimeo_id}{query}"
        return ""

    def provider(self) -> str:
        """The provider's name for the link text, or ``""`` when unknown."""
        embed = self.embed_url()
        if "youtube" in embed:
            return "YouTube"
        if "vimeo" in embed:
            return "Vimeo"
        return ""


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("video address (YouTube or Vimeo)"))
    title = blocks.CharBlock(label=_("title"), max_length=200)
    transcript = blocks.TextBlock(label=_("transcript"), required=False)

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("An embedded video with a title and an optional transcript.")
        label = _("Video")
        value_class = VideoValue
        preview_value = {
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "Begrüßung am Schalter",
            "transcript": "Guten Tag, was kann ich für Sie tun?",
        }


# --- Callout -------------------------------------------------------------------------

# The label read out and shown before the text: the kind never rests on colour alone.
CALLOUT_LABELS = {
    "info": _("Note"),
    "tip": _("Tip"),
    "warning": _("Caution"),
    "law": _("Legal note"),
}
CALLOUT_SYMBOLS = {"info": "ℹ", "tip": "★", "warning": "!", "law": "§"}


class CalloutValue(blocks.StructValue):
    def kind_key(self) -> str:
        kind = self.get("kind")
        return kind if kind in CALLOUT_LABELS else "info"

    def kind_label(self) -> str:
        return str(CALLOUT_LABELS[self.kind_key()])

    def symbol(self) -> str:
        return CALLOUT_SYMBOLS[self.kind_key()]


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[
            ("info", _("Information")),
            ("tip", _("Tip")),
            ("warning", _("Caution")),
            ("law", _("Legal note")),
        ],
        default="info",
    )
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul"])

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A highlighted box: information, tip, caution or legal note.")
        label = _("Callout")
        value_class = CalloutValue
        preview_value = {
            "kind": "tip",
            "title": "Wartezeit ansagen",
            "text": "<p>Sagen Sie, wie lange der nächste Schritt dauert.</p>",
        }


# --- Dialogue ------------------------------------------------------------------------

SPEAKERS = [
    ("clerk", _("Clerk")),
    ("client", _("Client")),
    ("interpreter", _("Interpreter")),
    ("other", _("Other person")),
]


class DialogueLineValue(blocks.StructValue):
    def lang(self) -> str:
        return self.get("language") or "de"

    def direction(self) -> str:
        return text_direction(self.lang())

    def is_foreign(self) -> bool:
        return self.lang() != "de"

    def speaker_key(self) -> str:
        speaker = self.get("speaker")
        return speaker if speaker in dict(SPEAKERS) else "other"

    def speaker_label(self) -> str:
        return str(dict(SPEAKERS)[self.speaker_key()])

    def show_gloss(self) -> bool:
        return self.is_foreign() and bool(self.get("gloss"))


class DialogueLineBlock(blocks.StructBlock):
    speaker = blocks.ChoiceBlock(
        label=_("speaker"),
        choices=SPEAKERS,
        default="clerk",
    )
    name = blocks.CharBlock(label=_("name"), required=False, max_length=80)
    text = blocks.TextBlock(label=_("what is said"))
    language = blocks.ChoiceBlock(label=_("language"), choices=SPOKEN_LANGUAGES, default="de")
    gloss = blocks.TextBlock(
        label=_("German gloss"),
        required=False,
        help_text=_("German meaning when the line is in another language."),
    )

    class Meta:
        icon = "openquote"
        value_class = DialogueLineValue
        label = _("Line")
        description = _("One utterance: who says what, in which language.")

    def clean(self, value):
        value = super().clean(value)
        # Clerks mostly do not read the client's language: without a German gloss a
        # foreign line teaches nothing.
        if value.get("language", "de") != "de" and not value.get("gloss"):
            raise StructBlockValidationError(
                block_errors={
                    "gloss": ValidationError(
                        _("Give the German meaning of a line in another language.")
                    )
                }
            )
        return value


class DialogueBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    setting = blocks.TextBlock(label=_("situation"), required=False)
    lines = blocks.ListBlock(DialogueLineBlock(), label=_("lines"), min_num=1)

    class Meta:
        icon = "group"
        template = "courses/blocks/dialogue.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A conversation at the counter, line by line, with speakers.")
        label = _("Counter dialogue")
        preview_value = {
            "title": "Erster Termin",
            "setting": "Frau K. kommt zum ersten Termin.",
            "lines": [
                {
                    "speaker": "clerk",
                    "name": "",
                    "text": "Guten Tag, mein Name ist Weber.",
                    "language": "de",
                    "gloss": "",
                },
                {
                    "speaker": "client",
                    "name": "Frau K.",
                    "text": "مرحبا",
                    "language": "ar",
                    "gloss": "Hallo",
                },
            ],
        }


# --- Case story, do and don't ----------------------------------------------------------


class CaseStoryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=200)
    story = blocks.RichTextBlock(label=_("story"), features=["bold", "italic", "ul", "ol"])
    questions = blocks.ListBlock(
        blocks.CharBlock(max_length=300), label=_("questions to think about"), required=False
    )
    resolution = blocks.RichTextBlock(
        label=_("what happened next"), required=False, features=["bold", "italic", "ul"]
    )

    class Meta:
        icon = "doc-full"
        template = "courses/blocks/case_story.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A case from practice with questions and how it ended.")
        label = _("Case story")
        preview_value = {
            "title": "Die abgelaufene Erlaubnis",
            "story": "<p>Herr T. kommt einen Tag nach Ablauf seiner Aufenthaltserlaubnis.</p>",
            "questions": ["Was sagen Sie als Erstes?"],
            "resolution": "<p>Die Fiktionsbescheinigung wurde noch am selben Tag ausgestellt.</p>",
        }


class DoDontPairBlock(blocks.StructBlock):
    do = blocks.TextBlock(label=_("do"))
    dont = blocks.TextBlock(label=_("don't"))

    class Meta:
        icon = "tick"
        label = _("Pair")
        description = _("A better and a worse way of doing the same thing.")


class DoDontBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    pairs = blocks.ListBlock(DoDontPairBlock(), label=_("pairs"), min_num=1)

    class Meta:
        icon = "tick-inverse"
        template = "courses/blocks/do_dont.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Pairs of better and worse behaviour side by side.")
        label = _("Do and don't")
        preview_value = {
            "title": "",
            "pairs": [{"do": "Langsam und deutlich sprechen.", "dont": "Lauter sprechen."}],
        }


# --- Vocabulary ----------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageColumn:
    code: str
    label: str
    direction: str


@dataclass(frozen=True)
class TranslationCell:
    code: str
    label: str
    text: str
    direction: str


@dataclass(frozen=True)
class VocabularyRow:
    term: object
    glossary_url: str
    cells: list


class VocabularyListValue(blocks.StructValue):
    def language_codes(self) -> list[str]:
        chosen = set(self.get("languages") or [])
        # Always in the termbase's order, whatever order the editor ticked them in.
        return [code for code in Language.values if not chosen or code in chosen]

    def columns(self) -> list[LanguageColumn]:
        return [
            LanguageColumn(code, str(Language(code).label), text_direction(code))
            for code in self.language_codes()
        ]

    def rows(self) -> list[VocabularyRow]:
        """One row per term that still exists, its translations in column order.

        Reads only the translations prefetched by ``TermListBlock.bulk_to_python``.
        """
        columns = self.columns()
        glossary = reverse("glossary:index")
        rows = []
        for term in self.get("terms") or []:
            if term is None:  # deleted from the termbase since the lesson was saved
                continue
            by_language = term.translations_by_language
            cells = [
                TranslationCell(
                    column.code,
                    column.label,
                    by_language[column.code].text if column.code in by_language else "",
                    column.direction,
                )
                for column in columns
            ]
            # Retired terms have left the glossary, so a link there would find nothing.
            url = "" if term.retired else f"{glossary}?{urlencode({'q': term.term})}"
            rows.append(VocabularyRow(term, url, cells))
        return rows


class TermListBlock(blocks.ListBlock):
    """A list of termbase entries loaded with their translations in one go."""

    def bulk_to_python(self, values):
        lists = super().bulk_to_python(values)
        terms = [t for items in lists for t in items if t is not None]
        if terms:
            # One query for the translations of every term in every vocabulary list of
            # the lesson (the terms themselves came in one ``in_bulk`` query).
            prefetch_related_objects(terms, "translations")
        return lists


class VocabularyListBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    terms = TermListBlock(SnippetChooserBlock("courses.Term"), label=_("terms"), min_num=1)
    languages = blocks.MultipleChoiceBlock(
        label=_("languages shown"),
        choices=Language.choices,
        required=False,
        help_text=_("Leave empty to show all client languages."),
    )

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/vocabulary_list.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Terms from the termbase with their translations.")
        label = _("Vocabulary list")
        value_class = VocabularyListValue

    def get_preview_value(self):
        """A few terms of the termbase; an empty list while the termbase is empty."""
        from courses.models import Term

        terms = list(Term.objects.active().with_translations()[:3])
        return self.normalize(
            {"title": "Wichtige Begriffe", "terms": terms, "languages": ["en", "ar", "uk"]}
        )


# --- Downloads -----------------------------------------------------------------------


class DownloadValue(blocks.StructValue):
    def file_type(self) -> str:
        document = self.get("document")
        return document.file_extension.upper() if document else ""

    def file_size(self) -> str:
        """Human-readable size from the stored column; ``Document.get_file_size()``
        would open the file and save the row when it is unknown."""
        document = self.get("document")
        if document is None or document.file_size is None:
            return ""
        return filesizeformat(document.file_size)


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full-inverse"
        label = _("Download")
        description = _("A document from the library with a short description.")
        value_class = DownloadValue


class DownloadsValue(blocks.StructValue):
    def available(self) -> list:
        """The items whose document still exists."""
        return [item for item in self.get("items") or [] if item.get("document") is not None]


class DownloadsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    items = blocks.ListBlock(DownloadBlock(), label=_("files"), min_num=1)

    class Meta:
        icon = "download"
        template = "courses/blocks/downloads.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Files to download, such as checklists or multilingual forms.")
        label = _("Downloads")
        value_class = DownloadsValue

    def get_preview_value(self):
        """The two newest documents, or an empty list while the library is empty."""
        from wagtail.documents import get_document_model

        documents = get_document_model().objects.order_by("-created_at")[:2]
        return self.normalize(
            {
                "title": "Zum Mitnehmen",
                "items": [
                    {"document": document, "description": "Checkliste für den Schalter"}
                    for document in documents
                ],
            }
        )


# --- Reflection ----------------------------------------------------------------------


class ReflectionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("question for reflection"))
    hint = blocks.TextBlock(label=_("hint"), required=False)

    class Meta:
        icon = "help"
        template = "courses/blocks/reflection.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("A question that invites the clerk to reflect on their own practice.")
        label = _("Reflection prompt")
        preview_value = {
            "prompt": "Wann haben Sie sich zuletzt in einer Behörde fremd gefühlt?",
            "hint": "Denken Sie an Sprache, Wartezeit und Formulare.",
        }


class LessonStreamBlock(blocks.StreamBlock):
    text = RichTextBlock(label=_("Text"))
    image = FigureBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    dialogue = DialogueBlock()
    case_story = CaseStoryBlock()
    do_dont = DoDontBlock()
    vocabulary = VocabularyListBlock()
    downloads = DownloadsBlock()
    reflection = ReflectionBlock()
