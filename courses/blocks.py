"""StreamField blocks that trainers build lessons from.

Every block gives the editor an icon, a description and a preview; display logic
lives in StructValue classes, not in templates.
"""

from urllib.parse import parse_qs, urlparse

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.languages import Language, text_direction

SPOKEN_LANGUAGES = [("de", _("German")), *Language.choices]


class RichTextBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "courses/blocks/rich_text.html"
        description = _("Formatted text with headings, lists and links.")
        preview_value = (
            "<h2>Willkommen</h2><p>Ein freundlicher Gruß und der eigene Name "
            "schaffen Vertrauen.</p>"
        )
        features = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]


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
        description = _("An image with alternative text and an optional caption.")
        label = _("Image")


class VideoValue(blocks.StructValue):
    def embed_url(self) -> str:
        """A privacy-friendly embed address for YouTube and Vimeo links, built without
        asking the provider (the platform must work without internet access)."""
        url = self.get("url") or ""
        parsed = urlparse(url)
        host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
        video_id = ""
        if host in {"youtube.com", "youtube-nocookie.com"}:
            if parsed.path.startswith("/embed/"):
                video_id = parsed.path.split("/")[2]
            else:
                video_id = parse_qs(parsed.query).get("v", [""])[0]
        elif host == "youtu.be":
            video_id = parsed.path.lstrip("/")
        if video_id:
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
        if host == "vimeo.com" and parsed.path.strip("/").isdigit():
            return f"https://player.vimeo.com/video/{parsed.path.strip('/')}"
        if host == "player.vimeo.com":
            return url
        return ""


class VideoBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("video address (YouTube or Vimeo)"))
    title = blocks.CharBlock(label=_("title"), max_length=200)
    transcript = blocks.TextBlock(label=_("transcript"), required=False)

    class Meta:
        icon = "media"
        template = "courses/blocks/video.html"
        description = _("An embedded video with a title and an optional transcript.")
        label = _("Video")
        value_class = VideoValue
        preview_value = {
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "Begrüßung am Schalter",
            "transcript": "",
        }


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
        description = _("A highlighted box: information, tip, caution or legal note.")
        label = _("Callout")
        preview_value = {
            "kind": "tip",
            "title": "Tipp",
            "text": "<p>Sagen Sie, wie lange der nächste Schritt dauert.</p>",
        }


class DialogueLineValue(blocks.StructValue):
    def direction(self) -> str:
        return text_direction(self.get("language") or "de")


class DialogueLineBlock(blocks.StructBlock):
    speaker = blocks.ChoiceBlock(
        label=_("speaker"),
        choices=[
            ("clerk", _("Clerk")),
            ("client", _("Client")),
            ("interpreter", _("Interpreter")),
            ("other", _("Other person")),
        ],
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


class DialogueBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    setting = blocks.TextBlock(label=_("situation"), required=False)
    lines = blocks.ListBlock(DialogueLineBlock(), label=_("lines"), min_num=1)

    class Meta:
        icon = "group"
        template = "courses/blocks/dialogue.html"
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
        description = _("A case from practice with questions and how it ended.")
        label = _("Case story")
        preview_value = {
            "title": "Die abgelaufene Erlaubnis",
            "story": "<p>Herr T. kommt einen Tag nach Ablauf seiner Aufenthaltserlaubnis.</p>",
            "questions": ["Was sagen Sie als Erstes?"],
            "resolution": "",
        }


class DoDontPairBlock(blocks.StructBlock):
    do = blocks.TextBlock(label=_("do"))
    dont = blocks.TextBlock(label=_("don't"))

    class Meta:
        icon = "tick"
        label = _("Pair")


class DoDontBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    pairs = blocks.ListBlock(DoDontPairBlock(), label=_("pairs"), min_num=1)

    class Meta:
        icon = "tick-inverse"
        template = "courses/blocks/do_dont.html"
        description = _("Pairs of better and worse behaviour side by side.")
        label = _("Do and don't")
        preview_value = {
            "title": "",
            "pairs": [{"do": "Langsam und deutlich sprechen.", "dont": "Lauter sprechen."}],
        }


class VocabularyListValue(blocks.StructValue):
    def language_codes(self) -> list[str]:
        return list(self.get("languages") or [c for c, _label in Language.choices])


class TermListBlock(blocks.ListBlock):
    """A list of termbase entries loaded with their translations in one go."""

    def bulk_to_python(self, values):
        lists = super().bulk_to_python(values)
        terms = [t for items in lists for t in items if t is not None]
        if terms:
            from django.db.models import prefetch_related_objects

            prefetch_related_objects(terms, "translations", "topic")
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
        description = _("Terms from the termbase with their translations.")
        label = _("Vocabulary list")
        value_class = VocabularyListValue


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False, max_length=250)

    class Meta:
        icon = "doc-full-inverse"
        label = _("Download")


class DownloadsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=200)
    items = blocks.ListBlock(DownloadBlock(), label=_("files"), min_num=1)

    class Meta:
        icon = "download"
        template = "courses/blocks/downloads.html"
        description = _("Files to download, such as checklists or multilingual forms.")
        label = _("Downloads")


class ReflectionBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("question for reflection"))
    hint = blocks.TextBlock(label=_("hint"), required=False)

    class Meta:
        icon = "help"
        template = "courses/blocks/reflection.html"
        description = _("A question that invites the clerk to reflect on their own practice.")
        label = _("Reflection prompt")
        preview_value = {
            "prompt": "Wann haben Sie sich zuletzt in einer Behörde fremd gefühlt?",
            "hint": "",
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
