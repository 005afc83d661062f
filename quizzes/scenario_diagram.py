"""The scenario as a diagram for trainers: a server-rendered SVG (nothing loaded from
elsewhere) beside an accessible list of the same steps and arrows."""

from __future__ import annotations

from django.utils.translation import gettext as _

from quizzes.scenario_graph import diagram_layers, dimension_labels, graph_check

NODE_WIDTH, NODE_HEIGHT = 230, 58
COLUMN_GAP, ROW_GAP, MARGIN = 70, 26, 20

OPERATOR_LABELS = {"le": "≤", "ge": "≥", "eq": "="}


def _condition_text(rule: dict) -> str:
    if rule["variable"] == "document":
        if rule["operator"] == "shown":
            return _("if “%(document)s” has been shown") % {"document": rule["document"]}
        return _("if “%(document)s” has not been shown") % {"document": rule["document"]}
    variable = _("mood") if rule["variable"] == "mood" else _("minutes")
    return _("if %(variable)s %(operator)s %(value)s") % {
        "variable": variable,
        "operator": OPERATOR_LABELS.get(rule["operator"], rule["operator"]),
        "value": rule["value"],
    }


def _short(text: str, length: int = 27) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def diagram_context(definition: dict) -> dict:
    """Everything the diagram and the list templates need, positions included."""
    report = graph_check(definition)
    labels = dimension_labels()
    outcome_labels = {
        "success": _("successful"),
        "neutral": _("neutral"),
        "failure": _("not successful"),
    }
    layers = diagram_layers(definition)
    position: dict[str, tuple[int, int]] = {}
    for column, keys in enumerate(layers):
        for row, key in enumerate(keys):
            position.setdefault(
                key,
                (
                    MARGIN + column * (NODE_WIDTH + COLUMN_GAP),
                    MARGIN + row * (NODE_HEIGHT + ROW_GAP),
                ),
            )
    index_of = {}
    for index, step in enumerate(definition["steps"]):
        index_of.setdefault(step["key"], index)
    steps = []
    for index, step in enumerate(definition["steps"]):
        x, y = position.get(step["key"], (MARGIN, MARGIN))
        options = []
        for number, option in enumerate(step["options"], start=1):
            options.append(
                {
                    "number": number,
                    "text": option["text"],
                    "feedback": option["feedback"],
                    "target": option["target"],
                    "target_exists": option["target"] in index_of,
                    "conditions": [
                        {
                            "text": _condition_text(rule),
                            "target": rule["target"],
                            "target_exists": rule["target"] in index_of,
                        }
                        for rule in option["rules"]
                    ],
                    "effects": {
                        "mood": option["mood"],
                        "minutes": option["minutes"],
                        "documents": option["documents"],
                    },
                    "scores": [
                        (labels[name], value) for name, value in option["scores"].items() if value
                    ],
                }
            )
        steps.append(
            {
                **step,
                "number": index + 1,
                "is_start": index == 0,
                "x": x,
                "y": y,
                "short_title": _short(step["title"]),
                "errors": report.step_errors.get(index, []),
                "option_rows": options,
                "outcome": (step["ending"] or {}).get("outcome", ""),
                "outcome_label": outcome_labels.get((step["ending"] or {}).get("outcome"), ""),
            }
        )
    edges = []
    for step in steps:
        if step["key"] not in position:
            continue
        sx, sy = position[step["key"]]
        # One arrow per target, labelled with every option leading there.
        by_target: dict[str, list[str]] = {}
        for option in step["option_rows"]:
            by_target.setdefault(option["target"], []).append(str(option["number"]))
            for condition in option["conditions"]:
                by_target.setdefault(condition["target"], []).append(f"{option['number']}*")
        for target, numbers in by_target.items():
            label = ",".join(numbers)
            if target not in position:
                continue
            tx, ty = position[target]
            x1, y1 = sx + NODE_WIDTH, sy + NODE_HEIGHT // 2
            x2, y2 = tx, ty + NODE_HEIGHT // 2
            if tx > sx:
                path = f"M{x1},{y1} C{x1 + 35},{y1} {x2 - 35},{y2} {x2},{y2}"
                lx, ly = (x1 + x2) // 2, (y1 + y2) // 2 - 4
            elif tx == sx and ty != sy:  # same column: a bow out to the right
                bow = x1 + 30 + abs(ty - sy) // 6
                path = f"M{x1},{y1 - 8} C{bow},{y1 - 8} {bow},{y2 + 8} {x1},{y2 + 8}"
                lx, ly = bow - 6, (y1 + y2) // 2
            else:  # back to an earlier column: loop below the boxes
                low = max(sy, ty) + NODE_HEIGHT + ROW_GAP // 2
                bx1, bx2 = sx + NODE_WIDTH // 2, tx + NODE_WIDTH // 2
                bottom1, bottom2 = sy + NODE_HEIGHT, ty + NODE_HEIGHT
                path = f"M{bx1},{bottom1} C{bx1},{low} {bx2},{low} {bx2},{bottom2}"
                lx, ly = (bx1 + bx2) // 2, low - 2
            edges.append({"path": path, "label": label, "lx": lx, "ly": ly})
    columns = max(len(layers), 1)
    rows = max((len(keys) for keys in layers), default=1)
    return {
        "diagram_steps": steps,
        "diagram_edges": edges,
        "diagram_width": 2 * MARGIN + columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP,
        "diagram_height": 2 * MARGIN + rows * (NODE_HEIGHT + ROW_GAP) + ROW_GAP,
        "node_width": NODE_WIDTH,
        "node_height": NODE_HEIGHT,
        "graph_report": report,
    }
