"""Factories for test data (factory_boy)."""

import factory
from django.contrib.auth.models import Group

from courses.languages import Language
from courses.models import Term, TermTranslation, Topic
from training.models import Membership, Team, User
from training.roles import Role

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=Role(extracted).value))
        if create:
            self.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Thema {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"begriff-{n}")
    term = factory.Sequence(lambda n: f"Begriff {n}")
    article = "der"
    plural = factory.LazyAttribute(lambda t: f"{t.term}e")
    explanation = "Eine einfache Erklärung."
    example = "Bitte bringen Sie das mit."
    legal_reference = "§ 4 AufenthG"
    topic = factory.SubFactory(TopicFactory)

    @factory.post_generation
    def translated(self, create, extracted, **kwargs):
        """Translations into every client language unless ``translated=False``."""
        if not create or extracted is False:
            return
        TermTranslation.objects.bulk_create(
            TermTranslation(
                term=self, language=code, text=f"{self.term} ({code})", example=f"ex {code}"
            )
            for code in Language.values
        )
