"""Demo quizzes: one per module of the demo course, ten questions each, every type used.

``demo_quizzes_ensure`` only adds what is missing (questions found by their demo title,
quizzes by their slug under the module), so a trainer's edits survive every ``seed_demo``.
Called from ``training/management/commands/seed_demo.py`` after the course exists
(``courses`` must not import ``quizzes``).
"""

from django.db import transaction
from taggit.models import Tag

from courses.demo import curriculum
from courses.demo.seed import SeedReport
from courses.models import CoursePage, ModulePage, Term
from quizzes.models import (
    ClozeQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OrderingQuestion,
    Question,
    QuizPage,
    QuizPageQuestion,
    ShortTextQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

QUIZ_SLUG = "quiz"


def _o(text, correct=False, feedback=""):
    return ("option", {"text": text, "correct": correct, "feedback": feedback})


def _items(*texts):
    return [("item", {"text": t}) for t in texts]


# Per module slug: tag, quiz title, intro, and the ten questions (kind, fields, term keys).
QUIZZES = {
    "haltung-und-willkommenskultur": {
        "tag": "willkommenskultur",
        "title": "Quiz: Haltung und Willkommenskultur",
        "intro": "<p>Zehn Fragen zum Modul. Demo-Inhalt.</p>",
        "questions": [
            (
                SingleChoiceQuestion,
                {
                    "title": "Demo: Ziel des Modellprojekts",
                    "prompt": "Was ist das Ziel des Modellprojekts „Ausländerbehörden – "
                    "Willkommensbehörden“?",
                    "explanation": "Die Behörde soll Servicezentrum und erste Anlaufstelle für "
                    "alle Menschen mit ausländischem Pass werden.",
                    "options": [
                        _o(
                            "Die Behörde wird Servicezentrum und erste Anlaufstelle.",
                            True,
                            "Genau: Service und Orientierung stehen im Mittelpunkt.",
                        ),
                        _o(
                            "Die Behörde prüft strenger und schneller.",
                            False,
                            "Es geht nicht um Strenge, sondern um Service.",
                        ),
                        _o(
                            "Die Behörde wird geschlossen und online ersetzt.",
                            False,
                            "Die Behörde bleibt; sie zieht zum Beispiel in den Bürgerservice.",
                        ),
                    ],
                },
                [],
            ),
            (
                SingleChoiceQuestion,
                {
                    "title": "Demo: Aufgabe des Front Office",
                    "prompt": "Wozu dient das Front Office am Eingang?",
                    "explanation": "Das Front Office empfängt, klärt das Anliegen und leitet "
                    "weiter.",
                    "options": [
                        _o(
                            "Empfang: Anliegen klären und weiterleiten.",
                            True,
                            "Richtig: Es ist der erste Kontakt.",
                        ),
                        _o(
                            "Es entscheidet über alle Anträge.",
                            False,
                            "Entscheidungen trifft die Sachbearbeitung.",
                        ),
                        _o(
                            "Es kontrolliert nur Ausweise.",
                            False,
                            "Es berät und orientiert, nicht nur kontrolliert.",
                        ),
                    ],
                },
                [],
            ),
            (
                MultipleChoiceQuestion,
                {
                    "title": "Demo: Maßnahmen einer Willkommensbehörde",
                    "prompt": "Welche Maßnahmen gehören zu einer Willkommensbehörde?",
                    "explanation": "Typisch sind Bürgerservice, barrierefreier Zugang, Front "
                    "Office und Schulungen des Personals.",
                    "options": [
                        _o("Barrierefreier Zugang", True, "Ja, alle sollen hineinkommen."),
                        _o("Interkulturelle Schulungen", True, "Ja, das Personal lernt dazu."),
                        _o("Ein Front Office als Empfang", True, "Ja, als erste Anlaufstelle."),
                        _o("Längere Wartezeiten", False, "Nein, Wartezeiten sollen sinken."),
                    ],
                },
                [],
            ),
            (
                MultipleChoiceQuestion,
                {
                    "title": "Demo: Gutes Ende eines Gesprächs",
                    "prompt": "Was gehört zu einem guten Abschluss am Schalter?",
                    "explanation": "Zusammenfassen, Fehlendes schriftlich geben, nächsten "
                    "Termin nennen.",
                    "options": [
                        _o("Fehlende Unterlagen aufschreiben", True, "Ja, schriftlich hilft."),
                        _o("Den nächsten Termin nennen", True, "Ja, das gibt Orientierung."),
                        _o("Ohne Verabschiedung aufrufen", False, "Nein, das wirkt abweisend."),
                        _o("Nur mündlich auf Deutsch erklären", False, "Schriftlich ist besser."),
                    ],
                },
                [],
            ),
            (
                TrueFalseQuestion,
                {
                    "title": "Demo: Stereotype in Schulungen",
                    "prompt": "Gute interkulturelle Schulung erklärt, wie „die Menschen aus "
                    "Land X“ sind.",
                    "statement_is_true": False,
                    "feedback_true": "Nein: Solche Aussagen sind Stereotype.",
                    "feedback_false": "Richtig: Gute Schulung arbeitet mit Situationen und "
                    "anderen Verhaltensweisen.",
                    "explanation": "Menschen sind verschieden; Situationen helfen mehr als "
                    "Zuschreibungen.",
                },
                [],
            ),
            (
                TrueFalseQuestion,
                {
                    "title": "Demo: Die eigene kulturelle Brille",
                    "prompt": "Auch die eigene Sicht ist kulturell geprägt.",
                    "statement_is_true": True,
                    "feedback_true": "Richtig: Wer das weiß, versteht Missverständnisse besser.",
                    "feedback_false": "Doch: Jede und jeder sieht durch eine kulturelle Brille.",
                    "explanation": "Haltung beginnt beim Blick auf sich selbst.",
                },
                [],
            ),
            (
                OrderingQuestion,
                {
                    "title": "Demo: Ablauf eines Gesprächs",
                    "prompt": "Bringen Sie die Schritte eines Gesprächs am Schalter in die "
                    "richtige Reihenfolge.",
                    "explanation": "Begrüßen, Anliegen klären, erklären, Fehlendes notieren, "
                    "verabschieden.",
                    "items": _items(
                        "Begrüßen und sich mit Namen vorstellen",
                        "Das Anliegen klären",
                        "Erklären, was als Nächstes passiert",
                        "Fehlende Unterlagen aufschreiben",
                        "Verabschieden",
                    ),
                },
                [],
            ),
            (
                MatchingQuestion,
                {
                    "title": "Demo: Begriffe am Schalter (Englisch)",
                    "prompt": "Ordnen Sie jedem deutschen Begriff die englische Übersetzung zu.",
                    "explanation": "Die Übersetzungen stammen aus der Termbank.",
                },
                ["termin", "wartenummer", "schalter", "front-office"],
            ),
            (
                ClozeQuestion,
                {
                    "title": "Demo: Lückentext Willkommensbehörde",
                    "prompt": "Füllen Sie die Lücken.",
                    "text": "Die Ausländerbehörde zieht in den [[Bürgerservice|Buergerservice]]. "
                    "Am Eingang empfängt das [[Front Office|Frontoffice]] die Menschen.",
                    "explanation": "Beides sind Maßnahmen aus dem Modellprojekt.",
                },
                [],
            ),
            (
                ShortTextQuestion,
                {
                    "title": "Demo: Begrüßung in eigenen Worten",
                    "prompt": "Wie begrüßen Sie eine Person, die zum ersten Mal zu Ihnen "
                    "kommt? Schreiben Sie zwei Sätze.",
                    "model_answer": "Guten Tag, mein Name ist Frau Schmidt. Ich bin heute für "
                    "Sie da; was kann ich für Sie tun?",
                    "explanation": "Name, freundlicher Ton und eine offene Frage.",
                },
                [],
            ),
        ],
    },
    "interkulturelle-kommunikation": {
        "tag": "kommunikation",
        "title": "Quiz: Interkulturelle Kommunikation",
        "intro": "<p>Zehn Fragen zum Modul. Demo-Inhalt.</p>",
        "questions": [
            (
                SingleChoiceQuestion,
                {
                    "title": "Demo: Indirekte Kommunikation",
                    "prompt": "Eine Person sagt „Vielleicht“, meint aber „Nein“. Wie reagieren "
                    "Sie am besten?",
                    "explanation": "Verständnis prüfen, ohne Druck, mit offenen Fragen.",
                    "options": [
                        _o(
                            "Offen nachfragen und das Verständnis prüfen.",
                            True,
                            "Ja: So klären Sie, was gemeint ist.",
                        ),
                        _o(
                            "Das „Vielleicht“ als Zustimmung notieren.",
                            False,
                            "Das kann zu Missverständnissen führen.",
                        ),
                        _o(
                            "Lauter und langsamer wiederholen.",
                            False,
                            "Lautstärke hilft nicht beim Verstehen.",
                        ),
                    ],
                },
                [],
            ),
            (
                SingleChoiceQuestion,
                {
                    "title": "Demo: Verständnis prüfen",
                    "prompt": "Wie prüfen Sie am besten, ob eine Erklärung verstanden wurde?",
                    "explanation": "Mit eigenen Worten wiederholen lassen.",
                    "options": [
                        _o(
                            "Die Person bitten, es in eigenen Worten zu sagen.",
                            True,
                            "Richtig: Das zeigt, was angekommen ist.",
                        ),
                        _o(
                            "Fragen: „Haben Sie das verstanden?“",
                            False,
                            "Viele sagen aus Höflichkeit „Ja“.",
                        ),
                        _o(
                            "Nichts fragen, um nicht zu stören.",
                            False,
                            "Dann bleiben Fehler unbemerkt.",
                        ),
                    ],
                },
                [],
            ),
            (
                MultipleChoiceQuestion,
                {
                    "title": "Demo: Aktives Zuhören",
                    "prompt": "Was gehört zum aktiven Zuhören?",
                    "explanation": "Zuwenden, zusammenfassen, nachfragen.",
                    "options": [
                        _o("Zusammenfassen, was man gehört hat", True, "Ja."),
                        _o("Nachfragen bei Unklarem", True, "Ja."),
                        _o("Gleichzeitig am Bildschirm arbeiten", False, "Das wirkt abwesend."),
                        _o("Die Person unterbrechen, um Zeit zu sparen", False, "Nein."),
                    ],
                },
                [],
            ),
            (
                MultipleChoiceQuestion,
                {
                    "title": "Demo: Erfahrungen mit Behörden",
                    "prompt": "Warum kann eine Person in der Behörde ängstlich oder "
                    "misstrauisch sein?",
                    "explanation": "Erfahrungen im Herkunftsland und auf der Flucht prägen "
                    "das Bild von Behörden.",
                    "options": [
                        _o("Schlechte Erfahrungen mit Behörden im Herkunftsland", True, "Ja."),
                        _o("Erlebnisse auf der Flucht", True, "Ja, auch Trauma spielt mit."),
                        _o("Weil alle Menschen aus einem Land so sind", False, "Stereotyp."),
                    ],
                },
                [],
            ),
            (
                TrueFalseQuestion,
                {
                    "title": "Demo: Zeitverständnis",
                    "prompt": "Wer zu spät kommt, ist immer unhöflich.",
                    "statement_is_true": False,
                    "feedback_true": "Nein: Es gibt viele Gründe, auch andere Zeitkonzepte.",
                    "feedback_false": "Richtig: Erst nachfragen, dann Termine klar erklären.",
                    "explanation": "Termine und ihre Verbindlichkeit klar und schriftlich "
                    "erklären.",
                },
                [],
            ),
            (
                TrueFalseQuestion,
                {
                    "title": "Demo: Familie im Gespräch",
                    "prompt": "Wenn Angehörige mitkommen, spreche ich trotzdem die "
                    "antragstellende Person direkt an.",
                    "statement_is_true": True,
                    "feedback_true": "Richtig: Sie ist Ihre Gesprächspartnerin.",
                    "feedback_false": "Doch: Die antragstellende Person direkt ansprechen.",
                    "explanation": "Respekt zeigt sich auch darin, wen man anspricht.",
                },
                [],
            ),
            (
                OrderingQuestion,
                {
                    "title": "Demo: Umgang mit einem Missverständnis",
                    "prompt": "Bringen Sie die Schritte in eine sinnvolle Reihenfolge.",
                    "explanation": "Erst bemerken und ansprechen, dann klären und festhalten.",
                    "items": _items(
                        "Das Missverständnis bemerken",
                        "Ruhig ansprechen",
                        "Mit einfachen Worten neu erklären",
                        "Verständnis prüfen",
                        "Ergebnis schriftlich festhalten",
                    ),
                },
                [],
            ),
            (
                MatchingQuestion,
                {
                    "title": "Demo: Begriffe zum Termin (Türkisch)",
                    "prompt": "Ordnen Sie jedem deutschen Begriff die türkische Übersetzung zu.",
                    "explanation": "Die Übersetzungen stammen aus der Termbank.",
                },
                ["termin", "terminbestaetigung", "wartezeit", "oeffnungszeiten"],
            ),
            (
                ClozeQuestion,
                {
                    "title": "Demo: Lückentext Kommunikationsstile",
                    "prompt": "Füllen Sie die Lücken.",
                    "text": "Manche Menschen sagen Kritik [[indirekt]], andere sehr "
                    "[[direkt]]. Bei Unsicherheit hilft [[Nachfragen|nachfragen]].",
                    "explanation": "Beide Stile sind normal; Nachfragen klärt.",
                },
                [],
            ),
            (
                ShortTextQuestion,
                {
                    "title": "Demo: Termin erklären",
                    "prompt": "Erklären Sie in einfachen Worten, warum ein Termin pünktlich "
                    "wahrgenommen werden soll.",
                    "model_answer": "Ihr Termin ist um 9 Uhr. Bitte kommen Sie pünktlich. "
                    "Dann haben wir genug Zeit für Ihr Anliegen.",
                    "explanation": "Kurze Sätze, ein konkreter Grund.",
                },
                [],
            ),
        ],
    },
    "einfache-sprache-und-dolmetschen": {
        "tag": "sprache",
        "title": "Quiz: Einfache Sprache und Dolmetschen",
        "intro": "<p>Zehn Fragen zum Modul. Demo-Inhalt.</p>",
        "questions": [
            (
                SingleChoiceQuestion,
                {
                    "title": "Demo: Leichte Sprache",
                    "prompt": "Was ist Leichte Sprache?",
                    "explanation": "Leichte Sprache ist eine geregelte Variante mit eigenen "
                    "Regeln; Einfache Sprache ist freier.",
                    "options": [
                        _o(
                            "Eine geregelte Variante mit eigenen Regeln.",
                            True,
                            "Richtig.",
                        ),
                        _o(
                            "Ein anderes Wort für Umgangssprache.",
                            False,
                            "Nein, Leichte Sprache folgt festen Regeln.",
                        ),
                        _o(
                            "Deutsch ohne Artikel.",
                            False,
                            "Nein.",
                        ),
                    ],
                },
                [],
            ),
            (
                SingleChoiceQuestion,
                {
                    "title": "Demo: Übersetzungs-App",
                    "prompt": "Wofür ist eine Übersetzungs-App am Schalter geeignet?",
                    "explanation": "Für einfache Verständigung, nicht für Rechtsberatung.",
                    "options": [
                        _o(
                            "Für einfache Alltagsfragen, zum Beispiel Öffnungszeiten.",
                            True,
                            "Ja, mit Vorsicht.",
                        ),
                        _o(
                            "Für die Erklärung einer Ablehnung mit Rechtsfolgen.",
                            False,
                            "Keine Rechtsberatung über eine App: hier Dolmetschen nutzen.",
                        ),
                        _o("Für gar nichts.", False, "Für Einfaches kann sie helfen."),
                    ],
                },
                [],
            ),
            (
                MultipleChoiceQuestion,
                {
                    "title": "Demo: Arbeit mit Dolmetschenden",
                    "prompt": "Was ist bei einem Gespräch mit Dolmetscher oder Dolmetscherin "
                    "richtig?",
                    "explanation": "Die Person direkt ansprechen, kurze Abschnitte, Pausen.",
                    "options": [
                        _o("Die Kundin oder den Kunden direkt ansprechen", True, "Ja."),
                        _o("In kurzen Abschnitten sprechen", True, "Ja."),
                        _o("Nur mit der dolmetschenden Person reden", False, "Nein."),
                        _o("Ein Kind dolmetschen lassen", False, "Nein, Kinder nicht belasten."),
                    ],
                },
                [],
            ),
            (
                MultipleChoiceQuestion,
                {
                    "title": "Demo: Regeln für Einfache Sprache",
                    "prompt": "Welche Regeln helfen beim Schreiben in Einfacher Sprache?",
                    "explanation": "Kurze Sätze, bekannte Wörter, aktive Formulierungen.",
                    "options": [
                        _o("Kurze Sätze", True, "Ja."),
                        _o("Aktiv statt Passiv", True, "Ja."),
                        _o("Viele Fachwörter ohne Erklärung", False, "Nein."),
                        _o("Verschachtelte Nebensätze", False, "Nein."),
                    ],
                },
                [],
            ),
            (
                TrueFalseQuestion,
                {
                    "title": "Demo: Sprachmittlung",
                    "prompt": "Sprachmittlerinnen und Sprachmittler helfen bei der "
                    "Verständigung, oft aus der Community.",
                    "statement_is_true": True,
                    "feedback_true": "Richtig.",
                    "feedback_false": "Doch: Sie vermitteln Sprache und oft auch Kontext.",
                    "explanation": "Community-Sprachmittlung ergänzt Dolmetschen per Telefon "
                    "oder Video.",
                },
                [],
            ),
            (
                TrueFalseQuestion,
                {
                    "title": "Demo: Brief vorlesen",
                    "prompt": "Einen Bescheid zu erklären heißt, ihn Wort für Wort vorzulesen.",
                    "statement_is_true": False,
                    "feedback_true": "Nein: Vorlesen allein erklärt nichts.",
                    "feedback_false": "Richtig: Das Wichtigste in eigenen, einfachen Worten sagen.",
                    "explanation": "Was steht drin, was ist zu tun, bis wann.",
                },
                [],
            ),
            (
                OrderingQuestion,
                {
                    "title": "Demo: Einen Brief erklären",
                    "prompt": "Bringen Sie die Schritte zum Erklären eines Briefs in eine "
                    "sinnvolle Reihenfolge.",
                    "explanation": "Worum geht es, was ist zu tun, bis wann, Verständnis prüfen.",
                    "items": _items(
                        "Sagen, worum es im Brief geht",
                        "Erklären, was die Person tun muss",
                        "Die Frist nennen und aufschreiben",
                        "Verständnis prüfen",
                    ),
                },
                [],
            ),
            (
                MatchingQuestion,
                {
                    "title": "Demo: Begriffe zu Sprache (Arabisch)",
                    "prompt": "Ordnen Sie jedem deutschen Begriff die arabische Übersetzung zu.",
                    "explanation": "Die Übersetzungen stammen aus der Termbank.",
                },
                ["dolmetscher-in", "sprachmittler-in", "leichte-sprache", "merkblatt"],
            ),
            (
                ClozeQuestion,
                {
                    "title": "Demo: Lückentext Frist",
                    "prompt": "Füllen Sie die Lücken.",
                    "text": "Gegen den Bescheid können Sie [[Widerspruch]] einlegen. Die "
                    "[[Frist]] steht in der Rechtsbehelfsbelehrung.",
                    "explanation": "Frist und Rechtsbehelf immer ausdrücklich nennen.",
                },
                [],
            ),
            (
                ShortTextQuestion,
                {
                    "title": "Demo: Satz vereinfachen",
                    "prompt": "Schreiben Sie einfacher: „Die Vorlage der Unterlagen hat "
                    "binnen zwei Wochen zu erfolgen.“",
                    "model_answer": "Bitte bringen Sie die Unterlagen in den nächsten zwei Wochen.",
                    "explanation": "Person direkt ansprechen, aktiv, bekannte Wörter.",
                },
                [],
            ),
        ],
    },
}

QUIZZES["deeskalation-und-schwierige-gespraeche"] = {
    "tag": "deeskalation",
    "title": "Quiz: Deeskalation und schwierige Gespräche",
    "intro": "<p>Zehn Fragen zum Modul. Demo-Inhalt.</p>",
    "questions": [
        (
            SingleChoiceQuestion,
            {
                "title": "Demo: Ärger nach langer Wartezeit",
                "prompt": "Eine Person hat drei Stunden gewartet und ist laut. Was sagen Sie "
                "zuerst?",
                "explanation": "Gefühl anerkennen, dann zur Sache kommen.",
                "options": [
                    _o(
                        "„Sie haben lange gewartet. Das ist ärgerlich. Ich bin jetzt für Sie da.“",
                        True,
                        "Ja: Anerkennen nimmt Druck heraus.",
                    ),
                    _o(
                        "„Beruhigen Sie sich erst einmal.“",
                        False,
                        "Das wirkt oft wie ein Vorwurf und steigert den Ärger.",
                    ),
                    _o(
                        "„Dafür kann ich nichts.“",
                        False,
                        "Das stimmt vielleicht, hilft aber nicht weiter.",
                    ),
                ],
            },
            [],
        ),
        (
            SingleChoiceQuestion,
            {
                "title": "Demo: Ablehnung überbringen",
                "prompt": "Wie überbringen Sie eine Ablehnung am besten?",
                "explanation": "Klar sagen, begründen, nächste Möglichkeiten und Fristen nennen.",
                "options": [
                    _o(
                        "Klar sagen, kurz begründen und die nächsten Möglichkeiten nennen.",
                        True,
                        "Richtig.",
                    ),
                    _o(
                        "Nur den Bescheid übergeben.",
                        False,
                        "Ohne Erklärung bleibt vieles unverständlich.",
                    ),
                    _o(
                        "Die Ablehnung abschwächen, bis sie nicht mehr erkennbar ist.",
                        False,
                        "Das führt zu falschen Hoffnungen.",
                    ),
                ],
            },
            [],
        ),
        (
            MultipleChoiceQuestion,
            {
                "title": "Demo: Zeichen eines wachsenden Konflikts",
                "prompt": "Woran erkennen Sie früh, dass ein Gespräch eskaliert?",
                "explanation": "Stimme, Körpersprache und Wiederholungen sind frühe Zeichen.",
                "options": [
                    _o("Die Stimme wird lauter", True, "Ja."),
                    _o("Dieselbe Frage wird immer wieder gestellt", True, "Ja."),
                    _o("Die Person bedankt sich", False, "Nein."),
                ],
            },
            [],
        ),
        (
            MultipleChoiceQuestion,
            {
                "title": "Demo: Grenzen setzen",
                "prompt": "Was hilft, eine klare Grenze zu setzen?",
                "explanation": "Ruhig, in der Ich-Form, mit einer Konsequenz, die Sie auch "
                "umsetzen.",
                "options": [
                    _o("In Ich-Form sprechen", True, "Ja."),
                    _o("Eine Konsequenz nennen, die Sie umsetzen können", True, "Ja."),
                    _o("Zurückschreien", False, "Nein."),
                    _o("Mit Dingen drohen, die Sie nicht umsetzen", False, "Nein."),
                ],
            },
            [],
        ),
        (
            TrueFalseQuestion,
            {
                "title": "Demo: Versprechen bei abgelaufenem Titel",
                "prompt": "Bei einem gestern abgelaufenen Aufenthaltstitel verspreche ich, "
                "dass alles in Ordnung kommt.",
                "statement_is_true": False,
                "feedback_true": "Nein: Versprechen Sie nichts, was Sie nicht entscheiden.",
                "feedback_false": "Richtig: Die Lage ehrlich erklären und den Antrag aufnehmen.",
                "explanation": "Ehrlich bleiben, den nächsten Schritt sofort erklären.",
            },
            [],
        ),
        (
            TrueFalseQuestion,
            {
                "title": "Demo: Kolleginnen einbeziehen",
                "prompt": "Wird ein Gespräch bedrohlich, darf ich Kolleginnen oder Kollegen "
                "dazuholen.",
                "statement_is_true": True,
                "feedback_true": "Richtig: Eigene Sicherheit geht vor.",
                "feedback_false": "Doch: Hilfe zu holen ist professionell.",
                "explanation": "Absprachen im Team vorher treffen.",
            },
            [],
        ),
        (
            OrderingQuestion,
            {
                "title": "Demo: Deeskalation Schritt für Schritt",
                "prompt": "Bringen Sie die Schritte der Deeskalation in eine sinnvolle "
                "Reihenfolge.",
                "explanation": "Ruhe, Anerkennen, Klären, Lösung, Absprache.",
                "items": _items(
                    "Selbst ruhig bleiben",
                    "Das Gefühl anerkennen",
                    "Das Anliegen klären",
                    "Eine mögliche Lösung zeigen",
                    "Den nächsten Schritt vereinbaren",
                ),
            },
            [],
        ),
        (
            MatchingQuestion,
            {
                "title": "Demo: Begriffe zu Bescheiden (Ukrainisch)",
                "prompt": "Ordnen Sie jedem deutschen Begriff die ukrainische Übersetzung zu.",
                "explanation": "Die Übersetzungen stammen aus der Termbank.",
            },
            ["bescheid", "ablehnung", "widerspruch", "frist"],
        ),
        (
            ClozeQuestion,
            {
                "title": "Demo: Lückentext Ablehnung",
                "prompt": "Füllen Sie die Lücken.",
                "text": "Eine Ablehnung kommt als [[Bescheid]]. Dagegen ist oft ein "
                "[[Widerspruch]] oder eine [[Klage]] möglich.",
                "explanation": "Welcher Rechtsbehelf gilt, steht in der Rechtsbehelfsbelehrung.",
            },
            [],
        ),
        (
            ShortTextQuestion,
            {
                "title": "Demo: Ärger anerkennen",
                "prompt": "Formulieren Sie einen Satz, der den Ärger einer Person anerkennt, "
                "ohne Schuld zu übernehmen.",
                "model_answer": "Ich sehe, dass Sie sich ärgern. Lassen Sie uns jetzt "
                "gemeinsam schauen, was wir heute klären können.",
                "explanation": "Gefühl benennen, Blick nach vorn.",
            },
            [],
        ),
    ],
}

QUIZZES["anliegen-mit-fingerspitzengefuehl"] = {
    "tag": "fingerspitzengefuehl",
    "title": "Quiz: Anliegen mit Fingerspitzengefühl",
    "intro": "<p>Zehn Fragen zum Modul. Demo-Inhalt.</p>",
    "questions": [
        (
            SingleChoiceQuestion,
            {
                "title": "Demo: Anruf vom Arbeitgeber",
                "prompt": "Ein Arbeitgeber ruft an und fragt nach dem Stand des Antrags "
                "seines Mitarbeiters. Was tun Sie?",
                "explanation": "Ohne Einverständnis oder Vollmacht keine Auskunft über die "
                "Person; allgemeine Informationen sind möglich.",
                "options": [
                    _o(
                        "Allgemein informieren, aber keine Auskunft über die Person ohne "
                        "Einverständnis.",
                        True,
                        "Richtig: Datenschutz und Service zugleich.",
                    ),
                    _o(
                        "Den Stand des Antrags nennen.",
                        False,
                        "Das wäre eine Auskunft über eine Person ohne deren Einverständnis.",
                    ),
                    _o(
                        "Sofort auflegen.",
                        False,
                        "Allgemeine Auskünfte sind möglich und freundlich.",
                    ),
                ],
            },
            [],
        ),
        (
            SingleChoiceQuestion,
            {
                "title": "Demo: Nebenbestimmung lesen",
                "prompt": "Eine Studentin fragt, ob sie nebenbei arbeiten darf. Wo steht das?",
                "explanation": "Ob und wie viel gearbeitet werden darf, steht in den "
                "Nebenbestimmungen zum Aufenthaltstitel.",
                "options": [
                    _o(
                        "In der Nebenbestimmung zum Aufenthaltstitel.",
                        True,
                        "Richtig: gemeinsam lesen.",
                    ),
                    _o(
                        "Im Mietvertrag.",
                        False,
                        "Nein.",
                    ),
                    _o(
                        "Auf der Terminbestätigung.",
                        False,
                        "Nein.",
                    ),
                ],
            },
            [],
        ),
        (
            MultipleChoiceQuestion,
            {
                "title": "Demo: Fragen nach der Zukunft",
                "prompt": "Eine Person mit Duldung fragt nach ihrer Zukunft. Was ist angemessen?",
                "explanation": "Ehrlich sein, nicht spekulieren, an Beratungsstellen verweisen.",
                "options": [
                    _o("Ehrlich sagen, was Sie wissen und was nicht", True, "Ja."),
                    _o("Auf Beratungsstellen hinweisen", True, "Ja."),
                    _o("Eine Prognose abgeben", False, "Nein, nicht spekulieren."),
                    _o("Das Gespräch abblocken", False, "Nein."),
                ],
            },
            [],
        ),
        (
            MultipleChoiceQuestion,
            {
                "title": "Demo: Vollmacht",
                "prompt": "Was gilt, wenn eine dritte Person für jemanden vorspricht?",
                "explanation": "Mit schriftlicher Vollmacht kann sie handeln; die Vollmacht "
                "wird geprüft.",
                "options": [
                    _o("Sie braucht eine Vollmacht", True, "Ja."),
                    _o("Die Vollmacht wird geprüft", True, "Ja."),
                    _o("Ein Anruf genügt als Nachweis", False, "Nein."),
                ],
            },
            [],
        ),
        (
            TrueFalseQuestion,
            {
                "title": "Demo: Duldung als Titel",
                "prompt": "Eine Duldung ist ein Aufenthaltstitel.",
                "statement_is_true": False,
                "feedback_true": "Nein: Die Duldung ist kein Aufenthaltstitel.",
                "feedback_false": "Richtig: Sie setzt die Abschiebung vorübergehend aus "
                "(§ 60a AufenthG).",
                "explanation": "Duldung: vorübergehende Aussetzung der Abschiebung.",
            },
            ["duldung"],
        ),
        (
            TrueFalseQuestion,
            {
                "title": "Demo: Auskunft an Angehörige",
                "prompt": "Einem Bruder, der anruft, gebe ich ohne Einverständnis Auskunft "
                "über den Antrag seiner Schwester.",
                "statement_is_true": False,
                "feedback_true": "Nein: Auch Angehörige brauchen ein Einverständnis.",
                "feedback_false": "Richtig.",
                "explanation": "Datenschutz gilt auch in der Familie.",
            },
            [],
        ),
        (
            OrderingQuestion,
            {
                "title": "Demo: Anruf annehmen",
                "prompt": "Bringen Sie die Schritte bei einem Anruf in eine sinnvolle Reihenfolge.",
                "explanation": "Melden, Anliegen klären, Berechtigung prüfen, antworten.",
                "items": _items(
                    "Mit Behörde und Namen melden",
                    "Das Anliegen erfragen",
                    "Prüfen, ob eine Auskunft erlaubt ist",
                    "Antworten oder den Weg erklären",
                ),
            },
            [],
        ),
        (
            MatchingQuestion,
            {
                "title": "Demo: Begriffe zur Arbeit (Persisch)",
                "prompt": "Ordnen Sie jedem deutschen Begriff die persische Übersetzung zu.",
                "explanation": "Die Übersetzungen stammen aus der Termbank.",
            },
            ["arbeitgeber", "arbeitsvertrag", "nebenbestimmung", "vollmacht"],
        ),
        (
            ClozeQuestion,
            {
                "title": "Demo: Lückentext Datenschutz",
                "prompt": "Füllen Sie die Lücken.",
                "text": "Auskünfte über eine Person gebe ich nur mit ihrem "
                "[[Einverständnis|Einverstaendnis]] oder einer [[Vollmacht]].",
                "explanation": "Datenschutz schützt die Kundinnen und Kunden.",
            },
            [],
        ),
        (
            ShortTextQuestion,
            {
                "title": "Demo: Ehrliche Antwort",
                "prompt": "Eine Person fragt: „Werde ich hierbleiben dürfen?“ Schreiben Sie "
                "eine ehrliche, freundliche Antwort.",
                "model_answer": "Das kann ich heute nicht sagen, weil es von mehreren Dingen "
                "abhängt. Eine Beratungsstelle kann Ihnen Ihre Möglichkeiten erklären.",
                "explanation": "Nichts versprechen, einen Weg zeigen.",
            },
            [],
        ),
    ],
}

MATCHING_LANGUAGE = {
    "haltung-und-willkommenskultur": "en",
    "interkulturelle-kommunikation": "tr",
    "einfache-sprache-und-dolmetschen": "ar",
    "deeskalation-und-schwierige-gespraeche": "uk",
    "anliegen-mit-fingerspitzengefuehl": "fa",
}


def _question_ensure(*, model, fields: dict, term_keys, terms, tag, language, report) -> Question:
    existing = Question.objects.filter(title=fields["title"], is_demo=True).first()
    if existing is not None:
        report.count("questions", created=False)
        return existing
    fields = dict(fields)
    if model is MatchingQuestion:
        fields["pairs"] = [
            ("term", {"term": terms[key], "language": language, "feedback": ""})
            for key in term_keys
            if key in terms
        ]
    question = model(is_demo=True, **fields)
    question.full_clean()
    question.save()
    question.tags.add(tag)
    linked = [terms[key] for key in term_keys if key in terms]
    if linked:
        question.terms.set(linked)
    report.count("questions", created=True)
    return question


@transaction.atomic
def demo_quizzes_ensure() -> SeedReport:
    """Create the missing demo questions and quizzes (one per demo module)."""
    report = SeedReport()
    course = CoursePage.objects.filter(slug=curriculum.COURSE["slug"]).first()
    if course is None:
        return report
    keys = {key for spec in QUIZZES.values() for _m, _f, ks in spec["questions"] for key in ks}
    terms = {t.key: t for t in Term.objects.filter(key__in=keys)}
    for module_slug, spec in QUIZZES.items():
        module = ModulePage.objects.child_of(course).filter(slug=module_slug).first()
        if module is None:
            continue
        tag, _created = Tag.objects.get_or_create(name=spec["tag"])
        questions = [
            _question_ensure(
                model=model,
                fields=fields,
                term_keys=term_keys,
                terms=terms,
                tag=tag,
                language=MATCHING_LANGUAGE[module_slug],
                report=report,
            )
            for model, fields, term_keys in spec["questions"]
        ]
        if module.get_children().filter(slug=QUIZ_SLUG).exists():
            report.count("quizzes", created=False)
            continue
        quiz = QuizPage(
            title=spec["title"],
            slug=QUIZ_SLUG,
            intro=spec["intro"],
            pass_mark=70,
            attempt_limit=0,
            is_demo=True,
            live=False,
        )
        module.add_child(instance=quiz)
        for n, question in enumerate(questions):
            QuizPageQuestion.objects.create(page=quiz, question=question, sort_order=n)
        quiz.save_revision().publish()
        report.count("quizzes", created=True)
    return report
