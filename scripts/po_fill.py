"""Fill empty or fuzzy msgstr entries of a .po file from a JSON dict {msgid: msgstr}.

Usage: python scripts/po_fill.py locale/de/LC_MESSAGES/django.po translations.json
Prints the msgids that are still untranslated.
"""

import json
import sys
from pathlib import Path


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines if line.startswith('"'))


def fill(po_path: Path, mapping: dict[str, str]) -> tuple[int, list[str]]:
    entries = po_path.read_text(encoding="utf-8").split("\n\n")
    filled, missing, out = 0, [], []
    for entry in entries:
        lines = entry.split("\n")
        starts = [i for i, line in enumerate(lines) if line.startswith(("msgid ", "msgstr "))]
        if len(starts) != 2 or any(line.startswith("msgid_plural") for line in lines):
            out.append(entry)
            continue
        i, j = starts
        msgid = _unquote([lines[i][6:], *lines[i + 1 : j]])
        msgstr = _unquote([lines[j][7:], *lines[j + 1 :]])
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if msgid and (not msgstr or fuzzy) and msgid in mapping:
            kept = [x for x in lines[:j] if not (x.startswith("#,") and "fuzzy" in x)]
            lines = [*kept, "msgstr " + json.dumps(mapping[msgid], ensure_ascii=False)]
            filled += 1
        elif msgid and (not msgstr or fuzzy):
            missing.append(msgid)
        out.append("\n".join(lines))
    po_path.write_text("\n\n".join(out), encoding="utf-8")
    return filled, missing


if __name__ == "__main__":
    done, todo = fill(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text("utf-8")))
    for msgid in todo:
        print("untranslated:", msgid)
    print(f"filled {done}, untranslated {len(todo)}")
