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


# --- Pages ---------------------------------------------------------------------------

import wagtail_factories  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage  # noqa: E402


class CataloguePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CataloguePage

    title = "Kurskatalog"
    slug = "kurse"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Kurs {n}")
    slug = factory.Sequence(lambda n: f"kurs-{n}")
    summary = "Ein Kurs für den Schalter."


class ModulePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ModulePage

    title = factory.Sequence(lambda n: f"Modul {n}")
    slug = factory.Sequence(lambda n: f"modul-{n}")


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lektion {n}")
    slug = factory.Sequence(lambda n: f"lektion-{n}")
    intro = "Worum es geht."


def catalogue_as_site_root() -> CataloguePage:
    """A catalogue page under the tree root, served as the default site's home page."""
    root = Page.get_first_root_node()
    catalogue = CataloguePage(title="Kurskatalog", slug="kurse")
    root.add_child(instance=catalogue)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, root_page=catalogue)
    site.root_page = catalogue
    site.save()
    return catalogue
