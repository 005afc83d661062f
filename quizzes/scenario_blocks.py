"""StreamField blocks a trainer builds a branching counter scenario from.

A scenario is a stream of steps; each step has a permanent key that options and
conditions point at. The stream checks the whole graph when the page is saved
(``quizzes.scenario_graph.graph_check``) and shows each error beside its step.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock

from courses.languages import Language
from quizzes.scenario_graph import KEY_PATTERN, definition_from_steps, graph_check

CLIENT_LANGUAGES = [("de", _("German")), *Language.choices]

key_validator = RegexValidator(
    KEY_PATTERN,
    _("Use lower-case letters, digits, hyphens and underscores (at most 50 characters)."),
)


class ClientLineBlock(blocks.StructBlock):
    """What the client says, in their language, with a German gloss for the clerk."""

    language = blocks.ChoiceBlock(choices=CLIENT_LANGUAGES, default="de", label=_("language"))
    text = blocks.TextBlock(label=_("what the client says"))
    gloss = blocks.TextBlock(
        label=_("German gloss"),
        required=False,
        help_text=_("Required when the client does not speak German."),
    )

    class Meta:
        icon = "openquote"
        label = _("Client says")
        description = _("A line of the client, in their language, with a German gloss.")
        preview_value = {
            "language": "ar",
            "text": "انتهت صلاحية إقامتي أمس.",
            "gloss": "Mein Aufenthaltstitel ist gestern abgelaufen.",
        }

    def clean(self, value):
        value = super().clean(value)
        if value["language"] != "de" and not (value.get("gloss") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "gloss": ValidationError(
                        _("Give a German gloss for a line that is not in German.")
                    )
                }
            )
        return value


class ConditionBlock(blocks.StructBlock):
    """Go elsewhere when the state after this option says so."""

    variable = blocks.ChoiceBlock(
        choices=[
            ("mood", _("client mood (0–5)")),
            ("minutes", _("minutes used")),
            ("document", _("document shown")),
        ],
        default="mood",
        label=_("if"),
    )
    operator = blocks.ChoiceBlock(
        choices=[
            ("le", _("is at most")),
            ("ge", _("is at least")),
            ("eq", _("equals")),
            ("shown", _("has been shown")),
            ("not_shown", _("has not been shown")),
        ],
        default="le",
        label=_("condition"),
    )
    value = blocks.IntegerBlock(label=_("value"), required=False, min_value=-1000, max_value=10000)
    document = blocks.CharBlock(
        label=_("document key"), required=False, max_length=50, help_text=_("e.g. pass")
    )
    target = blocks.CharBlock(label=_("then go to step"), max_length=50, validators=[key_validator])

    class Meta:
        icon = "arrow-right"
        label = _("Condition")
        description = _("Branch on the client's mood, the time used or the documents shown.")


class OptionBlock(blocks.StructBlock):
    """One thing the clerk can do, with its consequences (never shown before it is chosen)."""

    text = blocks.CharBlock(label=_("what the clerk does or says"), max_length=300)
    feedback = blocks.TextBlock(label=_("feedback after choosing"), required=False)
    target = blocks.CharBlock(
        label=_("next step (key)"),
        max_length=50,
        validators=[key_validator],
        help_text=_("Used when no condition below applies."),
    )
    rules = blocks.ListBlock(
        ConditionBlock(),
        label=_("conditional next steps"),
        default=[],
        help_text=_(
            "Checked in order on the state after this option; the first that applies "
            "decides the next step."
        ),
    )
    mood = blocks.IntegerBlock(
        label=_("change of client mood"), required=False, default=0, min_value=-5, max_value=5
    )
    minutes = blocks.IntegerBlock(
        label=_("minutes used"), required=False, default=0, min_value=0, max_value=240
    )
    documents = blocks.CharBlock(
        label=_("documents shown"),
        required=False,
        max_length=200,
        help_text=_("Keys of documents the client shows, separated by commas, e.g. pass"),
    )
    score_legal = blocks.IntegerBlock(
        label=_("score: legal correctness"), required=False, default=0, min_value=-3, max_value=3
    )
    score_deescalation = blocks.IntegerBlock(
        label=_("score: de-escalation"), required=False, default=0, min_value=-3, max_value=3
    )
    score_plain_language = blocks.IntegerBlock(
        label=_("score: plain language"), required=False, default=0, min_value=-3, max_value=3
    )

    class Meta:
        icon = "list-ul"
        label = _("Option")
        label_format = "{text} → {target}"
        description = _("A choice of the clerk with feedback, consequences and scores.")


class StepBlock(blocks.StructBlock):
    key = blocks.CharBlock(
        label=_("key"),
        max_length=50,
        validators=[key_validator],
        help_text=_("Permanent name of the step that options point at, e.g. arrival"),
    )
    title = blocks.CharBlock(label=_("title"), max_length=150)
    situation = blocks.TextBlock(label=_("situation"), required=False)
    image = ImageChooserBlock(label=_("image"), required=False)
    image_alt = blocks.CharBlock(label=_("alternative text"), required=False, max_length=250)
    client_lines = blocks.ListBlock(ClientLineBlock(), label=_("the client says"), default=[])
    options = blocks.ListBlock(OptionBlock(), label=_("options of the clerk"), default=[])
    is_ending = blocks.BooleanBlock(label=_("ending"), required=False)
    outcome = blocks.ChoiceBlock(
        choices=[
            ("success", _("successful")),
            ("neutral", _("neutral")),
            ("failure", _("not successful")),
        ],
        default="neutral",
        label=_("outcome of this ending"),
    )
    summary = blocks.TextBlock(
        label=_("summary of this ending"),
        required=False,
        help_text=_("Shown with the path, scores and feedback when the clerk gets here."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Step")
        description = _(
            "A moment at the counter: the situation, what the client says and the clerk's "
            "options; or an ending."
        )
        label_format = "{title} ({key})"
        template = "quizzes/scenario/blocks/step.html"
        preview_template = "courses/blocks/preview.html"
        preview_value = {
            "key": "ankunft",
            "title": "Die Kundin kommt an den Schalter",
            "situation": "Eine Kundin wartet seit einer Stunde und wirkt verärgert.",
            "client_lines": [
                {"language": "de", "text": "Ich warte schon ewig!", "gloss": ""},
            ],
            "options": [
                {
                    "text": "Entschuldigen Sie die Wartezeit. Wie kann ich helfen?",
                    "feedback": "Die Entschuldigung nimmt Druck aus dem Gespräch.",
                    "target": "anliegen",
                    "score_deescalation": 2,
                }
            ],
        }

    def clean(self, value):
        value = super().clean(value)
        if value.get("image") is not None and not (value.get("image_alt") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "image_alt": ValidationError(
                        _("Describe the image for people who cannot see it.")
                    )
                }
            )
        return value


class ScenarioStepsBlock(blocks.StreamBlock):
    """The steps of a scenario; the first is where the client arrives."""

    step = StepBlock()

    class Meta:
        block_counts = {"step": {"min_num": 1}}

    def clean(self, value):
        value = super().clean(value)
        report = graph_check(definition_from_steps(value))
        if report.ok:
            return value
        raise StreamBlockValidationError(
            block_errors={
                index: StructBlockValidationError(
                    non_block_errors=ErrorList([ValidationError(m) for m in messages])
                )
                for index, messages in report.step_errors.items()
            },
            non_block_errors=ErrorList([ValidationError(m) for m in report.general]),
        )
