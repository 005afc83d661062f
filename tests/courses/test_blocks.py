"""Lesson blocks: validation, display logic in StructValues, and rendering."""

import pytest
import wagtail_factories
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from courses.blocks import (
    CalloutBlock,
    CaseStoryBlock,
    DialogueBlock,
    DialogueLineBlock,
    DoDontBlock,
    DownloadsBlock,
    FigureBlock,
    LessonStreamBlock,
    ReflectionBlock,
    RichTextBlock,
    VideoBlock,
    VocabularyListBlock,
    expand_rich_text_links,
)
from courses.models import LessonPage, TermTranslation
from tests.factories import TermFactory


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def _render(block, value, **context):
    return block.render(block.to_python(value) if isinstance(value, dict) else value, context)


# --- Video -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        (
            "https://player.vimeo.com/video/76979871?h=abc123&autoplay=1",
            "https://player.vimeo.com/video/76979871?h=abc123",
        ),
        ("https://example.org/film.mp4", ""),
        ("https://www.youtube.com/watch", ""),
        ("https://www.youtube.com/watch?v=%22%3E%3Cscript%3E", ""),
        ("https://youtu.be/abc/def", ""),
        ("https://vimeo.com/about", ""),
        ("https://evil.example/?url=https://youtu.be/dQw4w9WgXcQ", ""),
        ("", ""),
    ],
)
def test_video_embed_url(url, embed):
    value = VideoBlock().to_python({"url": url, "title": "Film", "transcript": ""})
    assert value.embed_url() == embed


def test_video_renders_iframe_with_title_link_and_transcript():
    html = _render(
        VideoBlock(),
        {"url": "https://youtu.be/dQw4w9WgXcQ", "title": "Am Schalter", "transcript": "Guten Tag."},
    )
    assert (
        '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Am Schalter"'
        in html
    )
    assert 'loading="lazy"' in html
    assert "allowfullscreen" in html
    assert 'href="https://youtu.be/dQw4w9WgXcQ"' in html
    assert "Video bei YouTube öffnen" in html
    assert "<summary>Transkript</summary>" in html
    assert "Guten Tag." in html


def test_video_with_unknown_address_shows_only_the_link():
    html = _render(
        VideoBlock(),
        {"url": "https://intranet.example/film.mp4", "title": "Intern", "transcript": ""},
    )
    assert "<iframe" not in html
    assert 'href="https://intranet.example/film.mp4"' in html
    assert "Video öffnen" in html
    assert "<details" not in html


# --- Callout, do/don't, case story, reflection, rich text ------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [("info", "Hinweis"), ("tip", "Tipp"), ("warning", "Achtung"), ("law", "Rechtlicher Hinweis")],
)
def test_callout_has_an_accessible_label_per_kind(kind, label):
    html = _render(CalloutBlock(), {"kind": kind, "title": "Frist", "text": "<p>Text</p>"})
    assert f'class="callout callout-{kind}"' in html
    assert f'aria-label="{label}: Frist"' in html
    assert f"</span> {label}</p>" in html  # visible as text too, not colour alone


def test_callout_unknown_kind_falls_back_to_note():
    value = CalloutBlock().to_python({"kind": "gone", "title": "", "text": "<p>x</p>"})
    assert value.kind_key() == "info"
    assert value.kind_label() == "Hinweis"


def test_do_dont_labels_do_not_rely_on_colour():
    html = _render(
        DoDontBlock(), {"title": "", "pairs": [{"do": "Langsam", "dont": "<b>Laut</b>"}]}
    )
    assert '<span aria-hidden="true">✓</span> Gut so' in html
    assert '<span aria-hidden="true">✗</span> Besser nicht' in html
    assert "&lt;b&gt;Laut&lt;/b&gt;" in html


def test_case_story_hides_the_resolution_in_details():
    html = _render(
        CaseStoryBlock(),
        {
            "title": "Der Fall",
            "story": "<p>Geschichte</p>",
            "questions": ["Was tun?", "<i>Wer?</i>"],
            "resolution": "<p>Ende gut</p>",
        },
    )
    assert "<h3>Fragen zum Nachdenken</h3>" in html
    assert "<li>Was tun?</li>" in html
    assert "<li>&lt;i&gt;Wer?&lt;/i&gt;</li>" in html
    assert "<summary>Wie es weiterging</summary>" in html
    assert html.index("<details") < html.index("Ende gut")


def test_reflection_keeps_notes_in_the_browser(rf):
    html = _render(
        ReflectionBlock(),
        {"prompt": "Wann <b>zuletzt</b>?", "hint": "Denken Sie nach."},
        block_id="abc",
        page=type("P", (), {"pk": 7})(),
        user=type("U", (), {"pk": 3})(),
    )
    assert "Wann &lt;b&gt;zuletzt&lt;/b&gt;?" in html
    assert "<textarea" in html
    assert " name=" not in html  # no form field: never submitted
    assert "<form" not in html
    assert "nur in diesem Browser" in html
    assert 'data-notes-key="reflection:3:7:abc"' in html


def test_rich_text_renders_html():
    assert "<p>Hallo <b>Welt</b></p>" in _render(
        RichTextBlock(), RichTextBlock().to_python("<p>Hallo <b>Welt</b></p>")
    )


# --- Dialogue --------------------------------------------------------------------------


def test_dialogue_lines_carry_their_language_and_direction():
    html = _render(
        DialogueBlock(),
        {
            "title": "Termin",
            "setting": "Am Schalter",
            "lines": [
                {
                    "speaker": "clerk",
                    "name": "Weber",
                    "text": "Guten Tag.",
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
                {
                    "speaker": "interpreter",
                    "name": "",
                    "text": "Добрий день",
                    "language": "uk",
                    "gloss": "Guten Tag",
                },
            ],
        },
    )
    assert '<p class="utterance" lang="de" dir="ltr">Guten Tag.</p>' in html
    assert '<p class="utterance" lang="ar" dir="rtl">مرحبا</p>' in html
    assert '<p class="utterance" lang="uk" dir="ltr">Добрий день</p>' in html
    assert '<p class="gloss" lang="de" dir="ltr">' in html
    assert html.count('class="gloss"') == 2
    assert (
        '<span class="speaker-role">Sachbearbeiter/in</span><span class="speaker-name">Weber</span>'
        in html
    )
    assert '<span class="speaker-role">Dolmetscher/in</span>' in html


def test_dialogue_escapes_plain_text():
    html = _render(
        DialogueBlock(),
        {
            "title": "<script>alert(1)</script>",
            "setting": "",
            "lines": [
                {
                    "speaker": "client",
                    "name": "<i>",
                    "text": "<script>",
                    "language": "fa",
                    "gloss": "<b>",
                }
            ],
        },
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<p class="utterance" lang="fa" dir="rtl">&lt;script&gt;</p>' in html


def test_foreign_dialogue_line_needs_a_german_gloss():
    block = DialogueLineBlock()
    with pytest.raises(ValidationError) as error:
        block.clean(
            block.to_python({"speaker": "client", "text": "مرحبا", "language": "ar", "gloss": ""})
        )
    assert "gloss" in error.value.block_errors
    german = block.clean(
        block.to_python({"speaker": "clerk", "text": "Hallo", "language": "de", "gloss": ""})
    )
    assert german["text"] == "Hallo"


def test_dialogue_needs_at_least_one_line():
    block = DialogueBlock()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"title": "", "setting": "", "lines": []}))


# --- Vocabulary ------------------------------------------------------------------------


@pytest.mark.django_db
def test_vocabulary_list_renders_terms_with_rtl_cells_and_glossary_links():
    term = TermFactory(term="Aufenthaltstitel", article="der", plural="Aufenthaltstitel")
    block = VocabularyListBlock()
    value = block.to_python({"title": "Begriffe", "terms": [term.pk], "languages": ["fa", "en"]})

    html = block.render(value)

    glossary = reverse("glossary:index")
    assert f'<a href="{glossary}?q=Aufenthaltstitel">der Aufenthaltstitel</a>' in html
    assert '<th scope="col">Englisch (English)</th>' in html
    assert '<th scope="col">Persisch (فارسی)</th>' in html
    # termbase order, not the order in which the editor ticked the languages
    assert html.index("Englisch (English)") < html.index("Persisch (فارسی)")
    # each cell carries its language; its label (for phones) is in the interface language
    label = '<span class="cell-label" lang="de" dir="ltr">'
    assert (
        f'<td lang="fa" dir="rtl">{label}Persisch (فارسی)</span>Aufenthaltstitel (fa)</td>' in html
    )
    assert (
        f'<td lang="en" dir="ltr">{label}Englisch (English)</span>Aufenthaltstitel (en)</td>'
        in html
    )
    assert 'lang="ar"' not in html
    assert (
        '<td lang="de" dir="ltr" class="explanation"><span class="cell-label" lang="de">'
        "Erklärung</span>Eine einfache Erklärung.</td>"
    ) in html


@pytest.mark.django_db
def test_vocabulary_list_shows_all_languages_when_none_chosen_and_marks_gaps():
    term = TermFactory(translated=False)
    TermTranslation.objects.create(term=term, language="ar", text="تصريح")
    value = VocabularyListBlock().to_python({"title": "", "terms": [term.pk], "languages": []})

    rows = value.rows()

    assert [c.code for c in value.columns()] == ["en", "ar", "uk", "ru", "tr", "fa"]
    assert [(c.code, c.text, c.direction) for c in rows[0].cells][:2] == [
        ("en", "", "ltr"),
        ("ar", "تصريح", "rtl"),
    ]
    assert "Englisch (English)</span>–</td>" in VocabularyListBlock().render(value)


@pytest.mark.django_db
def test_vocabulary_list_escapes_term_text():
    term = TermFactory(term="<script>alert(1)</script>", article="", explanation="<b>fett</b>")
    value = VocabularyListBlock().to_python({"title": "", "terms": [term.pk], "languages": ["ar"]})
    html = VocabularyListBlock().render(value)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;fett&lt;/b&gt;" in html
    assert "?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E" in html


@pytest.mark.django_db
def test_vocabulary_list_skips_deleted_and_does_not_link_retired_terms():
    kept = TermFactory(term="Visum", retired=True)
    gone = TermFactory(term="Gelöscht")
    value = VocabularyListBlock().to_python(
        {"title": "", "terms": [kept.pk, gone.pk], "languages": []}
    )
    gone.delete()
    value = VocabularyListBlock().to_python(
        {"title": "", "terms": [kept.pk, gone.pk], "languages": []}
    )

    rows = value.rows()

    assert [row.term.term for row in rows] == ["Visum"]
    assert rows[0].glossary_url == ""


@pytest.mark.django_db
def test_term_list_loads_translations_in_bulk(django_assert_num_queries):
    terms = [TermFactory() for _ in range(4)]
    stream = LessonStreamBlock()
    raw = [
        {
            "type": "vocabulary",
            "value": {"title": "", "terms": [t.pk for t in terms], "languages": []},
        }
        for _ in range(3)
    ]
    with django_assert_num_queries(2):  # the terms, then their translations
        value = stream.to_python(raw)
        html = "".join(str(child.render()) for child in value)
    assert html.count('<td lang="ar" dir="rtl">') == 12


# --- Figure and downloads --------------------------------------------------------------


@pytest.mark.django_db
def test_figure_renders_image_with_alt_text_and_caption():
    image = wagtail_factories.ImageFactory(file__width=1200, file__height=800)
    value = FigureBlock().to_python(
        {"image": image.pk, "alt_text": 'Schalter "A"', "caption": "<i>Bild</i>"}
    )
    html = FigureBlock().render(value)
    assert '<figure class="figure">' in html
    assert 'alt="Schalter &quot;A&quot;"' in html
    assert 'width="960"' in html
    assert "480w" in html and "960w" in html
    assert "<figcaption>&lt;i&gt;Bild&lt;/i&gt;</figcaption>" in html


@pytest.mark.django_db
def test_figure_without_image_shows_its_description():
    value = FigureBlock().to_python({"image": None, "alt_text": "Ein Wartebereich", "caption": ""})
    html = FigureBlock().render(value)
    assert "<img" not in html
    assert "Ein Wartebereich" in html
    assert "Bild nicht verfügbar:" in html


@pytest.mark.django_db
def test_figure_renditions_are_prefetched_in_bulk(django_assert_num_queries):
    images = [wagtail_factories.ImageFactory() for _ in range(3)]
    raw = [
        {"type": "image", "value": {"image": image.pk, "alt_text": "x", "caption": ""}}
        for image in images
    ]
    stream = LessonStreamBlock()
    "".join(str(child.render()) for child in stream.to_python(raw))  # renditions created
    with django_assert_num_queries(2):  # images, then their renditions
        html = "".join(str(child.render()) for child in stream.to_python(raw))
    assert html.count("<img ") == 3


@pytest.mark.django_db
def test_downloads_show_title_type_size_and_description():
    document = wagtail_factories.DocumentFactory(title="Checkliste <Termin>")
    document.file_size = 2048
    document.save()
    value = DownloadsBlock().to_python(
        {"title": "", "items": [{"document": document.pk, "description": "Für den ersten Termin"}]}
    )
    html = DownloadsBlock().render(value)
    assert "<h2>Downloads</h2>" in html
    assert f'<a href="{document.url}" download>Checkliste &lt;Termin&gt;</a>' in html
    assert f"({document.file_extension.upper()}, 2,0\xa0KB)" in html
    assert "Für den ersten Termin" in html


@pytest.mark.django_db
def test_downloads_skip_deleted_documents():
    value = DownloadsBlock().to_python(
        {"title": "Dateien", "items": [{"document": 999999, "description": ""}]}
    )
    html = DownloadsBlock().render(value)
    assert "Derzeit sind hier keine Dateien verfügbar." in html


# --- Editor support --------------------------------------------------------------------


def test_every_block_has_icon_description_template_and_preview():
    for name, block in LessonStreamBlock().child_blocks.items():
        assert block.meta.icon, name
        assert block.get_description(), name
        assert block.get_template(block.get_default()), name
        assert block.is_previewable, name


@pytest.mark.django_db
def test_block_previews_render_with_an_empty_database(administrator_client):
    stream = LessonPage._meta.get_field("body").stream_block
    for name, block in stream.child_blocks.items():
        response = administrator_client.get(
            reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix}
        )
        assert response.status_code == 200, name
        assert "css/site.css" in response.content.decode(), name


@pytest.mark.django_db
def test_block_previews_use_existing_content(administrator_client):
    TermFactory(term="Niederlassungserlaubnis")
    wagtail_factories.ImageFactory()
    wagtail_factories.DocumentFactory(title="Merkblatt Einbürgerung")
    stream = LessonPage._meta.get_field("body").stream_block

    def preview(name):
        url = reverse("wagtailadmin_block_preview")
        response = administrator_client.get(
            url, {"id": stream.child_blocks[name].definition_prefix}
        )
        return response.content.decode()

    assert "Niederlassungserlaubnis" in preview("vocabulary")
    assert "<img " in preview("image")
    assert "Merkblatt Einbürgerung" in preview("downloads")


@pytest.mark.parametrize(
    "name", ["text", "video", "callout", "dialogue", "case_story", "do_dont", "reflection"]
)
def test_preview_values_are_valid_content(name):
    block = LessonStreamBlock().child_blocks[name]
    assert block.clean(block.get_preview_value()) is not None


@pytest.mark.django_db
def test_rich_text_links_of_a_lesson_are_expanded_in_one_pass(catalogue, django_assert_num_queries):
    link = f'<p><a linktype="page" id="{catalogue.pk}">Katalog</a></p>'
    raw = [{"type": "text", "value": link} for _ in range(5)]
    raw.append({"type": "callout", "value": {"kind": "tip", "title": "", "text": link}})
    raw.append(
        {
            "type": "case_story",
            "value": {"title": "F", "story": link, "questions": [], "resolution": link},
        }
    )
    stream = LessonStreamBlock().to_python(raw)
    Site.get_site_root_paths()  # cached by Wagtail once per process

    with django_assert_num_queries(2):  # the linked pages, then their specific rows
        html = "".join(str(child.render()) for child in expand_rich_text_links(stream))

    assert html.count('<a href="/">Katalog</a>') == 8


@pytest.mark.django_db
def test_rich_text_that_contains_the_boundary_is_still_expanded(catalogue):
    text = f'<p><!--lesson-rich-text-boundary--><a linktype="page" id="{catalogue.pk}">K</a></p>'
    stream = LessonStreamBlock().to_python([{"type": "text", "value": text}] * 2)
    html = "".join(str(child.render()) for child in expand_rich_text_links(stream))
    assert html.count('<a href="/">K</a>') == 2


@pytest.mark.django_db
def test_vocabulary_labels_follow_the_interface_language():
    term = TermFactory()
    value = VocabularyListBlock().to_python({"title": "", "terms": [term.pk], "languages": ["ar"]})
    with translation.override("en"):
        html = VocabularyListBlock().render(value)
    assert '<span class="cell-label" lang="en" dir="ltr">Arabic (العربية)</span>' in html
    assert '<th scope="col">Explanation</th>' in html
