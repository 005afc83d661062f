"""Demo people: two teams, clerks, a trainer, managers and an administrator.

They share one known password (``settings.DEMO_PASSWORD``), so they may only be created
where the settings say so (``DEMO_PASSWORDS_ALLOWED``: development and tests).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from courses.demo.seed import SeedReport
from training.models import Membership, Team, User
from training.roles import Role, roles_ensure


class DemoPasswordsNotAllowed(ImproperlyConfigured):
    pass


@dataclass(frozen=True)
class DemoTeam:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: Role
    team: str = ""  # slug of a DemoTeam, empty for people without a team
    team_role: str = Membership.Role.MEMBER
    superuser: bool = False


DEMO_TEAMS = [
    DemoTeam(
        slug="aufenthalt",
        name="Team Aufenthalt",
        description="Demo: Sachbearbeitung für Aufenthaltstitel, Verlängerungen und "
        "Familiennachzug.",
    ),
    DemoTeam(
        slug="front-office",
        name="Team Front Office",
        description="Demo: Empfang im Bürgerservice, Terminvergabe, Ausgabe und Annahme "
        "von Unterlagen.",
    ),
    DemoTeam(
        slug="fortbildung-organisation",
        name="Team Fortbildung und Organisation",
        description="Demo: Fortbildung, Qualitätsmanagement und Administration der Plattform.",
    ),
]

DEMO_PEOPLE = [
    DemoPerson("anna.schneider", "Anna", "Schneider", Role.CLERK, "aufenthalt"),
    DemoPerson("mehmet.yilmaz", "Mehmet", "Yılmaz", Role.CLERK, "aufenthalt"),
    DemoPerson("katarzyna.nowak", "Katarzyna", "Nowak", Role.CLERK, "aufenthalt"),
    DemoPerson("jonas.becker", "Jonas", "Becker", Role.CLERK, "front-office"),
    DemoPerson("olena.kovalenko", "Olena", "Kovalenko", Role.CLERK, "front-office"),
    DemoPerson("lukas.hartmann", "Lukas", "Hartmann", Role.CLERK, "front-office"),
    DemoPerson("sabine.lehmann", "Sabine", "Lehmann", Role.TRAINER, "fortbildung-organisation"),
    DemoPerson(
        "birgit.hoffmann",
        "Birgit",
        "Hoffmann",
        Role.MANAGER,
        "aufenthalt",
        Membership.Role.MANAGER,
    ),
    DemoPerson(
        "thomas.krueger",
        "Thomas",
        "Krüger",
        Role.MANAGER,
        "front-office",
        Membership.Role.MANAGER,
    ),
    DemoPerson(
        "admin",
        "Karin",
        "Schulz",
        Role.ADMINISTRATOR,
        "fortbildung-organisation",
        superuser=True,
    ),
]


def demo_passwords_allowed() -> bool:
    return bool(getattr(settings, "DEMO_PASSWORDS_ALLOWED", False))


@transaction.atomic
def demo_people_ensure() -> SeedReport:
    """Create the demo teams and people that do not exist yet.

    People who already exist are left untouched (password, groups and teams), so that a
    password someone changed is never reset by the next seed.
    """
    if not demo_passwords_allowed():
        raise DemoPasswordsNotAllowed(
            "Demo users share a known password; these settings do not allow them "
            "(DEMO_PASSWORDS_ALLOWED is false)."
        )
    report = SeedReport()
    # Groups come from migrate; ensuring them here keeps the seed independent of its order.
    roles_ensure()
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}

    teams = {}
    for spec in DEMO_TEAMS:
        team, created = Team.objects.get_or_create(
            slug=spec.slug, defaults={"name": spec.name, "description": spec.description}
        )
        report.count("teams", created=created)
        teams[spec.slug] = team

    for spec in DEMO_PEOPLE:
        if User.objects.filter(username=spec.username).exists():
            report.count("users", created=False)
            continue
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.org",
            is_superuser=spec.superuser,
            is_staff=spec.superuser,
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.full_clean()
        user.save()
        user.groups.add(groups[spec.role.value])
        if spec.team:
            Membership.objects.create(team=teams[spec.team], user=user, role=spec.team_role)
        report.count("users", created=True)
    return report


def demo_logins() -> list[dict[str, str]]:
    """The demo people that exist, with role, team and the demo password."""
    if not demo_passwords_allowed():
        raise DemoPasswordsNotAllowed(
            "These settings do not allow demo passwords (DEMO_PASSWORDS_ALLOWED is false)."
        )
    existing = set(
        User.objects.filter(username__in=[p.username for p in DEMO_PEOPLE]).values_list(
            "username", flat=True
        )
    )
    team_names = {t.slug: t.name for t in DEMO_TEAMS}
    return [
        {
            "username": person.username,
            "name": f"{person.first_name} {person.last_name}",
            "role": str(person.role.label),
            "team": team_names.get(person.team, ""),
            "team_role": str(Membership.Role(person.team_role).label) if person.team else "",
            "password": settings.DEMO_PASSWORD,
        }
        for person in DEMO_PEOPLE
        if person.username in existing
    ]
