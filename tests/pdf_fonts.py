"""What a PDF made by fpdf2 draws: the glyph names of its embedded (subset) fonts.

Arabic and Persian letters take a different form at the start, in the middle and at the
end of a word (U+FEE3 MEEM INITIAL FORM, U+FEAA DAL FINAL FORM, ...). A PDF that
shapes right-to-left text embeds those forms; one that does not embeds only the
isolated letters (U+0645, U+062F), which readers see unjoined.
"""

import io
import re
import zlib

from fontTools.ttLib import TTFont

# "محمد": meem initial, hah medial, meem medial, dal final.
JOINED_MOHAMMAD = {"uniFEE3", "uniFEA4", "uniFEE4", "uniFEAA"}


def embedded_glyph_names(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for match in re.finditer(rb">>\s*stream\r?\n", pdf):
        start = match.end()
        try:
            raw = zlib.decompress(pdf[start : pdf.index(b"endstream", start)])
        except zlib.error:
            continue
        if raw[:4] in (b"\x00\x01\x00\x00", b"true"):
            names |= set(TTFont(io.BytesIO(raw)).getGlyphOrder())
    return names
