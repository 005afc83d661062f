"""Factories for counter scenarios: a small branching scenario and its published page."""

import factory
import wagtail_factories

from quizzes.models import ScenarioPage


def option(text, target, *, feedback="", mood=0, minutes=0, documents="", rules=(), **scores):
    return {
        "text": text,
        "feedback": feedback or f"Rückmeldung zu: {text}",
        "target": target,
        "rules": list(rules),
        "mood": mood,
        "minutes": minutes,
        "documents": documents,
        "score_legal": scores.get("legal", 0),
        "score_deescalation": scores.get("deescalation", 0),
        "score_plain_language": scores.get("plain_language", 0),
    }


def rule(target, *, variable="mood", operator="le", value=0, document=""):
    return {
        "variable": variable,
        "operator": operator,
        "value": value,
        "document": document,
        "target": target,
    }


def step(key, title=None, *, options=(), lines=(), situation="", ending=None, summary=""):
    return {
        "type": "step",
        "value": {
            "key": key,
            "title": title or f"Schritt {key}",
            "situation": situation or f"Situation {key}",
            "image": None,
            "image_alt": "",
            "client_lines": list(lines),
            "options": list(options),
            "is_ending": ending is not None,
            "outcome": ending or "neutral",
            "summary": summary or (f"Zusammenfassung {key}" if ending else ""),
        },
    }


def small_scenario_steps():
    """Six steps: a friendly or a curt start (curt and mood ≤ 1 escalates), an Arabic
    line with a German gloss, a document that decides the ending, two endings."""
    return [
        step(
            "ankunft",
            "Ankunft am Schalter",
            options=[
                option("Freundlich begrüßen", "anliegen", mood=1, deescalation=2, plain_language=1),
                option(
                    "Wortlos die Wartenummer verlangen",
                    "anliegen",
                    mood=-2,
                    deescalation=-2,
                    rules=[rule("eskalation", value=1)],
                ),
            ],
        ),
        step(
            "anliegen",
            "Das Anliegen",
            lines=[
                {
                    "language": "ar",
                    "text": "انتهت صلاحية إقامتي أمس.",
                    "gloss": "Mein Aufenthaltstitel ist gestern abgelaufen.",
                }
            ],
            options=[
                option("Den Pass zeigen lassen", "pruefen", minutes=5, documents="pass", legal=1),
                option("Sofort ablehnen", "ende_schlecht", mood=-2, legal=-2),
            ],
        ),
        step(
            "pruefen",
            "Prüfen",
            options=[
                option(
                    "Die Fiktionsbescheinigung in einfachen Worten erklären",
                    "ende_gut",
                    minutes=10,
                    legal=2,
                    plain_language=2,
                    rules=[
                        rule(
                            "ende_schlecht",
                            variable="document",
                            operator="not_shown",
                            document="pass",
                        )
                    ],
                ),
            ],
        ),
        step(
            "eskalation",
            "Die Kundin wird laut",
            options=[
                option("Ruhig entschuldigen", "anliegen", mood=2, deescalation=2),
                option("Den Sicherheitsdienst rufen", "ende_schlecht", deescalation=-3),
            ],
        ),
        step("ende_gut", "Gut gelöst", ending="success", summary="Die Kundin geht beruhigt."),
        step("ende_schlecht", "Abgebrochen", ending="failure", summary="Das Gespräch scheitert."),
    ]


class ScenarioPageFactory(wagtail_factories.PageFactory):
    """A published scenario (one revision, live): ``ScenarioPageFactory(parent=module)``."""

    class Meta:
        model = ScenarioPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Szenario {n}")
    slug = factory.Sequence(lambda n: f"szenario-{n}")
    intro = "Eine Kundin kommt an den Schalter."
    initial_mood = 3
    steps = factory.LazyFunction(small_scenario_steps)

    @factory.post_generation
    def published(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.save_revision().publish()
            self.refresh_from_db()
