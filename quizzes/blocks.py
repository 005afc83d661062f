"""StreamField blocks of the question bank: answer options, items, pairs.

Every option, item and pair keeps the stream block's id (a UUID) as its identity. The id
survives edits of the text, so a regrade can match a corrected question to the answers
given before, and it says nothing about which option is correct.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from courses.languages import Language


class ChoiceOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer option"), max_length=500)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("feedback"),
        required=False,
        help_text=_("Shown after answering: why this option is right or wrong."),
    )

    class Meta:
        icon = "radio-full"
        label = _("Answer option")


class OrderingItemBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("step"), max_length=500)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class MatchingPairBlock(blocks.StructBlock):
    left = blocks.CharBlock(label=_("left (e.g. German term)"), max_length=300)
    right = blocks.CharBlock(label=_("right (e.g. translation)"), max_length=300)
    feedback = blocks.TextBlock(label=_("feedback"), required=False)

    class Meta:
        icon = "link"
        label = _("Pair")


class TermPairBlock(blocks.StructBlock):
    """A pair drawn from the termbase: the German term and its translation, read when an
    attempt starts (a corrected translation reaches new attempts, never old ones)."""

    term = SnippetChooserBlock("courses.Term", label=_("term"))
    language = blocks.ChoiceBlock(choices=Language.choices, label=_("language"), default="en")
    feedback = blocks.TextBlock(label=_("feedback"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Term from the termbase")


class ChoiceOptionsBlock(blocks.StreamBlock):
    option = ChoiceOptionBlock()

    class Meta:
        min_num = 2


class OrderingItemsBlock(blocks.StreamBlock):
    item = OrderingItemBlock()

    class Meta:
        min_num = 2


class MatchingPairsBlock(blocks.StreamBlock):
    pair = MatchingPairBlock()
    term = TermPairBlock()

    class Meta:
        min_num = 2
