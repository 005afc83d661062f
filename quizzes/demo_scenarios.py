"""Demo counter scenarios for the demo course (``manage.py seed_demo``).

Written for this project as demo content and marked as such. The legal remarks are
simplified for training and are no legal advice: check the law's own text (in particular
§ 81 AufenthG on the continued validity of a title after an application).

``demo_scenarios_ensure`` only adds what is missing: an existing scenario (found by its
slug under its module) is left exactly as it is, so a trainer's edits survive.
"""

from __future__ import annotations

from django.db import transaction

from courses.demo.seed import DemoContentError, SeedReport
from courses.models import CoursePage, ModulePage
from quizzes.models import ScenarioPage
from quizzes.scenario_blocks import ScenarioStepsBlock

COURSE_SLUG = "willkommen-am-schalter"
LEGAL_NOTE = (
    "Demo-Inhalt: Die rechtlichen Hinweise sind für die Übung vereinfacht und keine "
    "Rechtsauskunft. Maßgeblich ist der Wortlaut des Gesetzes (insbesondere § 81 AufenthG)."
)


def _o(text, target, feedback, *, mood=0, minutes=0, documents="", rules=(), law=0, d=0, p=0):
    return {
        "text": text,
        "feedback": feedback,
        "target": target,
        "rules": list(rules),
        "mood": mood,
        "minutes": minutes,
        "documents": documents,
        "score_legal": law,
        "score_deescalation": d,
        "score_plain_language": p,
    }


def _if(target, *, variable="mood", operator="le", value=0, document=""):
    return {
        "variable": variable,
        "operator": operator,
        "value": value,
        "document": document,
        "target": target,
    }


def _line(language, text, gloss=""):
    return {"language": language, "text": text, "gloss": gloss}


def _step(key, title, situation, options=(), lines=()):
    return {
        "type": "step",
        "value": {
            "key": key,
            "title": title,
            "situation": situation,
            "image": None,
            "image_alt": "",
            "client_lines": list(lines),
            "options": list(options),
            "is_ending": False,
            "outcome": "neutral",
            "summary": "",
        },
    }


def _end(key, title, outcome, summary):
    value = _step(key, title, "")["value"]
    value.update({"is_ending": True, "outcome": outcome, "summary": summary})
    return {"type": "step", "value": value}


# --- 1. A permit that expired yesterday --------------------------------------------------

EXPIRED = {
    "module": "deeskalation-und-schwierige-gespraeche",
    "slug": "demo-szenario-titel-gestern-abgelaufen",
    "title": "Demo-Szenario: Aufenthaltstitel gestern abgelaufen",
    "intro": (
        "Herr Haddad kommt ohne Termin ins Front Office. Seine Aufenthaltserlaubnis ist "
        "gestern abgelaufen, er ist sehr besorgt. " + LEGAL_NOTE
    ),
    "initial_mood": 2,
    "min_legal": 2,
    "steps": [
        _step(
            "ankunft",
            "Herr Haddad am Schalter",
            "Herr Haddad legt seine Karte auf den Tresen. Er spricht etwas Deutsch, wechselt "
            "aber vor Aufregung ins Arabische.",
            lines=[
                _line(
                    "ar",
                    "إقامتي انتهت أمس. هل سيتم ترحيلي الآن؟",
                    "Mein Aufenthaltstitel ist gestern abgelaufen. Werde ich jetzt abgeschoben?",
                )
            ],
            options=[
                _o(
                    "Ruhig begrüßen, den eigenen Namen nennen und sagen: „Wir sehen uns das "
                    "jetzt zusammen an.“",
                    "anliegen",
                    "Gut: Begrüßung und ein klarer nächster Schritt nehmen Angst, ohne etwas "
                    "zu versprechen.",
                    mood=1,
                    d=2,
                    p=1,
                ),
                _o(
                    "„Da sind Sie zu spät. Da kann ich nichts mehr machen.“",
                    "beschwerde",
                    "Das ist weder freundlich noch richtig: Auch ein verspäteter Antrag wird "
                    "angenommen und geprüft.",
                    mood=-2,
                    law=-2,
                    d=-2,
                    rules=[_if("eskalation", value=0)],
                ),
                _o(
                    "„Keine Sorge, das ist überhaupt kein Problem.“",
                    "falsche_sicherheit",
                    "Gut gemeint, aber eine Zusage, die Sie nicht geben können: Ob der alte "
                    "Titel weiter gilt, entscheidet die Behörde erst nach Prüfung.",
                    mood=1,
                    law=-1,
                ),
            ],
        ),
        _step(
            "falsche_sicherheit",
            "Eine heikle Rückfrage",
            "Herr Haddad atmet auf und fragt, ob er dann nächste Woche wie geplant zu "
            "seiner Familie ins Ausland fliegen kann.",
            options=[
                _o(
                    "„Da war ich zu ungenau. Ich nehme jetzt Ihren Antrag auf. Ob und wie Sie "
                    "reisen können, klären wir, bevor Sie buchen.“",
                    "anliegen",
                    "Gut korrigiert: Ein Fehler, offen zurückgenommen, schafft Vertrauen.",
                    law=2,
                    p=1,
                ),
                _o(
                    "„Ja, das geht sicher.“",
                    "ende_falsche_auskunft",
                    "Eine falsche Auskunft mit möglichen Folgen für die Wiedereinreise.",
                    law=-3,
                ),
            ],
        ),
        _step(
            "beschwerde",
            "Herr Haddad wird lauter",
            "„Ich habe seit Wochen versucht, einen Termin zu bekommen! Niemand geht ans Telefon!“",
            options=[
                _o(
                    "„Das tut mir leid. Sie haben es versucht, das sehe ich. Lassen Sie uns "
                    "jetzt schauen, was wir heute tun können.“",
                    "anliegen",
                    "Anerkennen, ohne sich zu rechtfertigen, und zurück zur Sache: "
                    "das deeskaliert.",
                    mood=2,
                    d=2,
                ),
                _o(
                    "„Dafür bin ich nicht zuständig.“",
                    "eskalation",
                    "Zuständigkeit abzuweisen verstärkt den Ärger.",
                    mood=-1,
                    d=-2,
                ),
            ],
        ),
        _step(
            "eskalation",
            "Die Situation droht zu kippen",
            "Herr Haddad schlägt mit der Hand auf den Tresen. Andere Wartende schauen her.",
            options=[
                _o(
                    "Ruhig und langsam sprechen, einen Stuhl und ein Glas Wasser anbieten, "
                    "dann fragen, was er heute braucht.",
                    "anliegen",
                    "Tempo herausnehmen und ein Angebot machen: klassische Deeskalation.",
                    mood=2,
                    d=3,
                    minutes=5,
                ),
                _o(
                    "Sofort den Sicherheitsdienst rufen.",
                    "ende_abbruch",
                    "Ohne Bedrohung zu früh: Das Gespräch ist damit beendet, das Anliegen "
                    "bleibt offen.",
                    d=-3,
                ),
            ],
        ),
        _step(
            "anliegen",
            "Das Anliegen klären",
            "Herr Haddad möchte seine Aufenthaltserlaubnis verlängern. Er hat eine Mappe dabei.",
            options=[
                _o(
                    "„Bitte zeigen Sie mir Ihren Pass und die bisherige Karte.“",
                    "unterlagen",
                    "Richtig: Pass und bisheriger Titel sind die Grundlage für den Antrag.",
                    minutes=5,
                    documents="pass, titel",
                    law=1,
                ),
                _o(
                    "Wortlos ein Antragsformular hinschieben.",
                    "unterlagen",
                    "Ohne Erklärung versteht er nicht, was er tun soll, und die Unterlagen "
                    "sind noch nicht geprüft.",
                    minutes=10,
                    p=-1,
                ),
            ],
        ),
        _step(
            "unterlagen",
            "Den Antrag aufnehmen",
            "Der Antrag auf Verlängerung kommt einen Tag nach Ablauf des Titels.",
            options=[
                _o(
                    "Den Antrag aufnehmen und erklären, dass die Behörde prüft, ob der alte "
                    "Titel bis zur Entscheidung fortgelten soll.",
                    "erklaeren",
                    "Richtig (vereinfacht, Demo): Nach Ablauf kann die Behörde die "
                    "Fortgeltung anordnen, um eine unbillige Härte zu vermeiden "
                    "(§ 81 Abs. 4 Satz 3 AufenthG). Das wird geprüft, nicht versprochen.",
                    minutes=10,
                    law=2,
                    rules=[
                        _if(
                            "pass_fehlt", variable="document", operator="not_shown", document="pass"
                        )
                    ],
                ),
                _o(
                    "„Ich stelle Ihnen sofort eine Fiktionsbescheinigung aus.“",
                    "ende_falsche_auskunft",
                    "Zu schnell: Bei einem verspäteten Antrag entsteht die Fiktion nicht von "
                    "selbst; erst muss geprüft und entschieden werden.",
                    law=-3,
                ),
            ],
        ),
        _step(
            "pass_fehlt",
            "Der Pass fehlt noch",
            "Sie haben die Unterlagen noch nicht gesehen. Herr Haddad sucht in seiner Mappe.",
            options=[
                _o(
                    "„Bitte zeigen Sie mir noch Ihren Pass, dann nehme ich den Antrag auf.“",
                    "erklaeren",
                    "Gut: Erst prüfen, dann aufnehmen.",
                    minutes=5,
                    documents="pass",
                    law=1,
                ),
            ],
        ),
        _step(
            "erklaeren",
            "Verständlich erklären",
            "Herr Haddad schaut unsicher.",
            lines=[
                _line(
                    "ar",
                    "يعني أنا الآن بدون إقامة؟",
                    "Heißt das, ich bin jetzt ohne Aufenthaltstitel?",
                )
            ],
            options=[
                _o(
                    "„Ihr Antrag ist jetzt bei uns. Wir prüfen, ob Ihre alte Erlaubnis weiter "
                    "gilt. Sie bekommen von uns einen Brief. Bitte reisen Sie bis dahin nicht "
                    "aus.“",
                    "abschluss",
                    "Kurze Sätze, ein Gedanke pro Satz, ein klarer Rat: einfache Sprache.",
                    mood=1,
                    law=1,
                    p=2,
                ),
                _o(
                    "„Gemäß § 81 Abs. 4 S. 3 AufenthG kann die Fortgeltungswirkung zur "
                    "Vermeidung einer unbilligen Härte angeordnet werden.“",
                    "abschluss",
                    "Rechtlich nicht falsch, aber für ihn unverständlich.",
                    mood=-1,
                    p=-2,
                    rules=[_if("eskalation", value=0)],
                ),
            ],
        ),
        _step(
            "abschluss",
            "Das Gespräch abschließen",
            "Der Antrag ist aufgenommen.",
            options=[
                _o(
                    "Aufschreiben, was als Nächstes passiert, die Eingangsbestätigung "
                    "mitgeben und sich verabschieden.",
                    "ende_gut",
                    "Ein schriftlicher nächster Schritt gibt Sicherheit.",
                    minutes=5,
                    d=1,
                    p=1,
                ),
                _o(
                    "„Sie hören von uns.“",
                    "ende_mittel",
                    "Zu knapp: Er weiß nicht, wann und wie es weitergeht.",
                    p=-1,
                ),
            ],
        ),
        _end(
            "ende_gut",
            "Antrag aufgenommen, Herr Haddad geht beruhigt",
            "success",
            "Der verspätete Antrag ist aufgenommen, die Fortgeltung wird geprüft, und Herr "
            "Haddad weiß, was als Nächstes passiert.",
        ),
        _end(
            "ende_mittel",
            "Antrag aufgenommen, aber Fragen bleiben",
            "neutral",
            "Das Anliegen ist bearbeitet, doch Herr Haddad geht verunsichert.",
        ),
        _end(
            "ende_falsche_auskunft",
            "Eine falsche Auskunft",
            "failure",
            "Eine Zusage ohne Prüfung kann schwere Folgen haben. Prüfen Sie zuerst und sagen "
            "Sie offen, was noch nicht entschieden ist.",
        ),
        _end(
            "ende_abbruch",
            "Gespräch abgebrochen",
            "failure",
            "Das Gespräch endet ohne Ergebnis. Der Antrag ist nicht gestellt.",
        ),
    ],
}

# --- 2. Upset after a long wait -----------------------------------------------------------

WAITING = {
    "module": "deeskalation-und-schwierige-gespraeche",
    "slug": "demo-szenario-aerger-nach-langer-wartezeit",
    "title": "Demo-Szenario: Ärger nach langer Wartezeit",
    "intro": (
        "Frau Kovalenko hat über zwei Stunden gewartet, um Unterlagen für ihren "
        "Verlängerungsantrag abzugeben. Sie ist wütend. " + LEGAL_NOTE
    ),
    "initial_mood": 1,
    "min_deescalation": 3,
    "steps": [
        _step(
            "ankunft",
            "Frau Kovalenko ist an der Reihe",
            "Sie kommt mit schnellen Schritten an den Schalter.",
            lines=[_line("de", "Ich warte seit zwei Stunden! Das ist eine Zumutung!")],
            options=[
                _o(
                    "„Das ist wirklich lang. Es tut mir leid, dass Sie so lange warten "
                    "mussten. Ich bin Frau Schulz, was kann ich für Sie tun?“",
                    "zuhoeren",
                    "Anerkennen und sich vorstellen: Der Ärger darf sein, das Gespräch kann "
                    "beginnen.",
                    mood=1,
                    d=2,
                ),
                _o(
                    "„Alle hier müssen warten.“",
                    "eskalation",
                    "Stimmt, hilft aber nicht: Sie fühlt sich nicht ernst genommen.",
                    mood=-1,
                    d=-2,
                ),
                _o(
                    "Ohne Antwort nach der Wartenummer fragen.",
                    "anliegen",
                    "Sachlich, aber kalt. Wenn die Stimmung schon am Boden ist, kippt es.",
                    mood=-1,
                    d=-1,
                    rules=[_if("eskalation", value=0)],
                ),
            ],
        ),
        _step(
            "eskalation",
            "Es wird laut",
            "Frau Kovalenko spricht sehr laut. Ein Kind in der Warteschlange fängt an zu weinen.",
            options=[
                _o(
                    "Leiser und langsamer sprechen, Blickkontakt halten: „Ich möchte Ihnen "
                    "helfen. Erzählen Sie mir, worum es geht.“",
                    "zuhoeren",
                    "Die eigene Ruhe überträgt sich. Sie bieten Hilfe an statt Widerstand.",
                    mood=2,
                    d=2,
                ),
                _o(
                    "Mit dem Hausrecht drohen.",
                    "ende_abbruch",
                    "Eine Drohung ohne Not beendet das Gespräch, nicht den Konflikt.",
                    d=-3,
                ),
            ],
        ),
        _step(
            "zuhoeren",
            "Zuhören",
            "„Ich muss um zwölf bei der Arbeit sein. Mein Chef wartet, und ich habe mir "
            "extra freigenommen.“",
            options=[
                _o(
                    "Zusammenfassen: „Sie haben wenig Zeit und wollen heute Ihre Unterlagen "
                    "abgeben. Dann machen wir das jetzt zügig.“",
                    "anliegen",
                    "Aktives Zuhören: Sie zeigen, dass Sie verstanden haben.",
                    minutes=2,
                    d=2,
                ),
                _o(
                    "„Kommen Sie bitte zum Punkt.“",
                    "anliegen",
                    "Unterbrechen wirkt abwertend.",
                    mood=-1,
                    d=-1,
                ),
            ],
        ),
        _step(
            "anliegen",
            "Das Anliegen",
            "Frau Kovalenko möchte ihren neuen Arbeitsvertrag für den laufenden "
            "Verlängerungsantrag abgeben.",
            options=[
                _o(
                    "Die Unterlagen annehmen und gleich auf Vollständigkeit ansehen.",
                    "pruefen",
                    "Richtig: Nachgereichte Unterlagen für einen laufenden Antrag können im "
                    "Front Office angenommen werden (Demo; Ablauf je nach Behörde).",
                    minutes=5,
                    documents="arbeitsvertrag",
                    law=1,
                ),
                _o(
                    "„Dafür brauchen Sie einen eigenen Termin.“",
                    "termin_streit",
                    "Für das bloße Abgeben von Unterlagen ist das meist nicht nötig und "
                    "verärgert unnötig.",
                    mood=-1,
                    law=-1,
                ),
            ],
        ),
        _step(
            "termin_streit",
            "Noch ein Termin?",
            "„Ich habe heute extra freigenommen! Noch einmal komme ich nicht.“",
            options=[
                _o(
                    "„Sie haben recht, das geht auch heute. Ich nehme die Unterlagen an und "
                    "gebe Ihnen eine Bestätigung.“",
                    "pruefen",
                    "Eine Fehleinschätzung zu korrigieren ist professionell.",
                    mood=1,
                    documents="arbeitsvertrag",
                    d=1,
                ),
                _o(
                    "Auf dem Termin bestehen.",
                    "ende_mittel",
                    "Sie geht unverrichteter Dinge. Wenn die Stimmung schon ganz unten ist, "
                    "wird es laut.",
                    mood=-1,
                    rules=[_if("eskalation", value=0)],
                ),
            ],
        ),
        _step(
            "pruefen",
            "Unterlagen prüfen",
            "Der Arbeitsvertrag ist da, es fehlen aber die letzten drei Gehaltsabrechnungen.",
            options=[
                _o(
                    "Aufschreiben, was fehlt, bis wann, und wie sie es schicken kann.",
                    "erklaeren",
                    "Schriftlich, konkret, mit Frist: So kommt nichts durcheinander.",
                    minutes=5,
                    law=1,
                    p=2,
                ),
                _o(
                    "„Da fehlt noch was.“",
                    "erklaeren",
                    "Zu ungenau: Sie weiß nicht, was genau fehlt.",
                    p=-2,
                ),
            ],
        ),
        _step(
            "erklaeren",
            "Die Wartezeit erklären",
            "Frau Kovalenko fragt, warum sie so lange warten musste.",
            options=[
                _o(
                    "Offen erklären, dass heute viele ohne Termin kamen, und zeigen, wie "
                    "sie online einen Termin für das Front Office bucht.",
                    "abschluss",
                    "Ehrlich und hilfreich für das nächste Mal.",
                    mood=1,
                    d=1,
                    p=1,
                ),
                _o(
                    "„Nächstes Mal müssen Sie bestimmt nicht warten.“",
                    "abschluss",
                    "Ein Versprechen, das Sie nicht halten können.",
                    law=-1,
                ),
            ],
        ),
        _step(
            "abschluss",
            "Abschied",
            "Frau Kovalenko packt ihre Sachen. Sie sagt leise etwas auf Ukrainisch.",
            lines=[_line("uk", "Дякую, тепер зрозуміло.", "Danke, jetzt ist es klar.")],
            options=[
                _o(
                    "Eingangsbestätigung und Merkblatt mitgeben, sich mit Namen verabschieden.",
                    "ende_gut",
                    "Ein guter Abschluss bleibt in Erinnerung.",
                    d=1,
                    rules=[_if("ende_mittel", value=1)],
                ),
            ],
        ),
        _end(
            "ende_gut",
            "Unterlagen abgegeben, Ärger verflogen",
            "success",
            "Die Unterlagen sind angenommen, das Fehlende ist notiert, und Frau Kovalenko "
            "geht versöhnt zur Arbeit.",
        ),
        _end(
            "ende_mittel",
            "Erledigt, aber verstimmt",
            "neutral",
            "Das Anliegen ist (teilweise) erledigt, doch der Ärger bleibt.",
        ),
        _end(
            "ende_abbruch",
            "Gespräch abgebrochen",
            "failure",
            "Frau Kovalenko verlässt das Amt ohne Ergebnis, der Konflikt ist nicht gelöst.",
        ),
    ],
}

# --- 3. A family with no shared language -------------------------------------------------

FAMILY = {
    "module": "einfache-sprache-und-dolmetschen",
    "slug": "demo-szenario-familie-ohne-gemeinsame-sprache",
    "title": "Demo-Szenario: Eine Familie ohne gemeinsame Sprache",
    "intro": (
        "Familie Ahmadi kommt mit zwei kleinen Kindern zum Termin. Niemand in der Familie "
        "spricht Deutsch oder Englisch; die Eltern sprechen Dari (Persisch). " + LEGAL_NOTE
    ),
    "initial_mood": 3,
    "min_plain_language": 2,
    "steps": [
        _step(
            "ankunft",
            "Die Familie kommt an",
            "Der Vater hält Ihnen einen Brief hin. Das jüngere Kind weint.",
            lines=[
                _line(
                    "fa",
                    "ما وقت ملاقات داریم. این نامه است.",
                    "Wir haben einen Termin. Hier ist der Brief.",
                )
            ],
            options=[
                _o(
                    "Freundlich begrüßen, auf die Stühle zeigen und den Brief ansehen.",
                    "sprache",
                    "Gesten und ein Platz für die Kinder schaffen Ruhe, auch ohne Worte.",
                    mood=1,
                    d=2,
                ),
                _o(
                    "Laut und langsam auf Deutsch weitersprechen.",
                    "sprache",
                    "Lauter wird es nicht verständlicher.",
                    mood=-1,
                    p=-1,
                ),
                _o(
                    "„Kommen Sie mit einem Dolmetscher wieder.“",
                    "ende_weggeschickt",
                    "Die Familie hat einen Termin. Die Verständigung zu organisieren ist "
                    "Aufgabe des Amts.",
                    law=-1,
                    d=-2,
                ),
            ],
        ),
        _step(
            "sprache",
            "Die Sprache herausfinden",
            "Sie wissen noch nicht, welche Sprache die Familie spricht.",
            options=[
                _o(
                    "Die Sprachenkarte zeigen und zeigen lassen.",
                    "dolmetschwahl",
                    "Schnell und sicher: Die Familie zeigt auf „دری / Dari“.",
                    minutes=2,
                    p=1,
                ),
                _o(
                    "Die neunjährige Tochter bitten zu übersetzen, sie spricht etwas Deutsch.",
                    "kind",
                    "Kinder als Dolmetscher: Sie werden überfordert, und Inhalte gehen verloren.",
                    law=-1,
                ),
            ],
        ),
        _step(
            "kind",
            "Die Tochter übersetzt",
            "Die Tochter übersetzt stockend. Der Vater wirkt unwohl, als es um die Pässe geht.",
            options=[
                _o(
                    "Abbrechen, der Tochter danken und einen Dolmetschdienst anrufen.",
                    "dolmetschwahl",
                    "Richtig korrigiert: Behördliche Inhalte gehören nicht in Kinderhände.",
                    law=1,
                    d=1,
                ),
                _o(
                    "Weitermachen, es geht ja irgendwie.",
                    "ende_kind",
                    "Missverständnisse sind so vorprogrammiert.",
                    mood=-1,
                    law=-2,
                ),
            ],
        ),
        _step(
            "dolmetschwahl",
            "Wie verständigen?",
            "Die Familie spricht Dari.",
            options=[
                _o(
                    "Den Telefon- oder Videodolmetschdienst für Dari anrufen.",
                    "dolmetschen",
                    "Die sichere Wahl bei rechtlichen Inhalten.",
                    minutes=10,
                    law=1,
                    p=1,
                ),
                _o(
                    "Das ganze Gespräch mit einer Übersetzungs-App führen.",
                    "app",
                    "Apps helfen bei Kleinigkeiten, aber nicht bei Rechtlichem.",
                    minutes=5,
                ),
            ],
        ),
        _step(
            "app",
            "Die App stößt an Grenzen",
            "Die App übersetzt „Fiktionsbescheinigung“ mit einem seltsamen Wort. Der Vater "
            "schüttelt den Kopf.",
            lines=[_line("fa", "متوجه نشدم.", "Ich habe das nicht verstanden.")],
            options=[
                _o(
                    "Auf den Telefondolmetschdienst wechseln.",
                    "dolmetschen",
                    "Gut erkannt: Wo es um Rechte und Pflichten geht, braucht es Menschen.",
                    minutes=10,
                    p=1,
                ),
                _o(
                    "Mit der App weitermachen und die Rechtslage erklären.",
                    "ende_missverstaendnis",
                    "Eine Rechtsauskunft über eine App ist zu unsicher.",
                    law=-2,
                ),
            ],
        ),
        _step(
            "dolmetschen",
            "Mit der Dolmetscherin sprechen",
            "Die Dolmetscherin ist am Telefon zugeschaltet.",
            options=[
                _o(
                    "Die Eltern direkt ansehen und in kurzen Sätzen in der Ich-Form sprechen.",
                    "unterlagen",
                    "So bleibt das Gespräch bei der Familie; die Dolmetscherin überträgt.",
                    d=1,
                    p=2,
                ),
                _o(
                    "Zur Dolmetscherin sprechen: „Sagen Sie ihm, dass …“",
                    "unterlagen",
                    "Die Familie wird so zu Zuschauern im eigenen Gespräch.",
                    p=-1,
                ),
            ],
        ),
        _step(
            "unterlagen",
            "Die Unterlagen",
            "Für den Termin brauchen Sie die Pässe und die Geburtsurkunden der Kinder.",
            options=[
                _o(
                    "Um die Originale der Pässe und Geburtsurkunden bitten und sie ansehen.",
                    "verstaendnis",
                    "Richtig: Originale ansehen, Kopien für die Akte.",
                    minutes=10,
                    documents="paesse, geburtsurkunden",
                    law=1,
                ),
                _o(
                    "Die mitgebrachten Kopien genügen lassen.",
                    "verstaendnis",
                    "Ohne Originale bleibt offen, ob die Angaben stimmen.",
                    documents="kopien",
                    law=-1,
                ),
            ],
        ),
        _step(
            "verstaendnis",
            "Verständnis prüfen",
            "Sie haben erklärt, wie es weitergeht.",
            options=[
                _o(
                    "Die Eltern bitten, in eigenen Worten zu sagen, was als Nächstes passiert.",
                    "abschluss",
                    "Zurückfragen zeigt, ob wirklich verstanden wurde.",
                    minutes=3,
                    p=2,
                ),
                _o(
                    "„Alles verstanden?“",
                    "abschluss",
                    "Ein „Ja“ heißt oft nur: Ich möchte nicht unhöflich sein.",
                    p=-1,
                ),
            ],
        ),
        _step(
            "abschluss",
            "Abschluss",
            "Die Kinder sind ruhig geworden.",
            options=[
                _o(
                    "Ein mehrsprachiges Merkblatt mitgeben und einen nächsten Termin mit "
                    "Dolmetschung vereinbaren.",
                    "ende_gut",
                    "So ist auch der nächste Termin vorbereitet.",
                    d=1,
                    p=1,
                    rules=[
                        _if(
                            "ende_mittel",
                            variable="document",
                            operator="not_shown",
                            document="paesse",
                        )
                    ],
                ),
                _o(
                    "Freundlich verabschieden.",
                    "ende_mittel",
                    "Freundlich, aber ohne nächsten Schritt.",
                ),
            ],
        ),
        _end(
            "ende_gut",
            "Gut verständigt",
            "success",
            "Mit Dolmetschung, geprüften Unterlagen und einem nächsten Termin weiß die "
            "Familie, wie es weitergeht.",
        ),
        _end(
            "ende_mittel",
            "Teilweise erledigt",
            "neutral",
            "Das Gespräch war freundlich, aber es bleibt etwas offen (Unterlagen oder der "
            "nächste Schritt).",
        ),
        _end(
            "ende_weggeschickt",
            "Weggeschickt",
            "failure",
            "Die Familie geht ohne Ergebnis. Verständigung zu organisieren gehört zum Service.",
        ),
        _end(
            "ende_kind",
            "Das Kind als Dolmetscherin",
            "failure",
            "Die Tochter war überfordert; wichtige Inhalte sind nicht angekommen.",
        ),
        _end(
            "ende_missverstaendnis",
            "Ein Missverständnis",
            "failure",
            "Die App hat die Rechtslage falsch übertragen. Die Familie hat etwas anderes "
            "verstanden, als Sie gesagt haben.",
        ),
    ],
}

SCENARIOS = [EXPIRED, WAITING, FAMILY]


def demo_scenarios_ensure() -> SeedReport:
    """Create the demo scenarios that are missing under the demo course's modules.

    Needs the demo course (``courses.demo.seed.demo_content_ensure`` first). Each
    scenario is checked like a trainer's (graph check), so broken demo data never lands.
    """
    report = SeedReport()
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    if course is None:
        raise DemoContentError("The demo course is missing: seed the demo content first.")
    with transaction.atomic():
        for spec in SCENARIOS:
            module = ModulePage.objects.child_of(course).filter(slug=spec["module"]).first()
            if module is None:
                raise DemoContentError(f"The demo module {spec['module']} is missing.")
            if module.get_children().filter(slug=spec["slug"]).exists():
                report.count("scenarios", created=False)
                continue
            block = ScenarioStepsBlock()
            try:
                steps = block.clean(block.to_python(spec["steps"]))
            except Exception as error:
                raise DemoContentError(
                    f"Demo scenario {spec['slug']} is invalid: {error}"
                ) from error
            page = ScenarioPage(
                title=spec["title"],
                slug=spec["slug"],
                intro=spec["intro"],
                initial_mood=spec["initial_mood"],
                steps=steps,
                min_legal=spec.get("min_legal"),
                min_deescalation=spec.get("min_deescalation"),
                min_plain_language=spec.get("min_plain_language"),
                is_demo=True,
                live=False,
            )
            module.add_child(instance=page)
            page.save_revision().publish()
            report.count("scenarios", created=True)
    return report
