import pytest
from django.test import Client

from courses.page_cache import fragments
from tests.factories import PASSWORD, UserFactory, catalogue_as_site_root
from training.completion import content_structures
from training.roles import Role


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with an empty page cache: test databases are rolled back, so a
    generation value can come back with other content behind it. The same for the
    progress snapshot's cached content structures."""
    fragments.clear()
    content_structures.clear()
    yield
    fragments.clear()
    content_structures.clear()


@pytest.fixture
def clerk(db):
    return UserFactory(role=Role.CLERK)


@pytest.fixture
def trainer(db):
    return UserFactory(role=Role.TRAINER)


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.MANAGER)


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def clerk_client(clerk):
    return _signed_in(clerk)


@pytest.fixture
def trainer_client(trainer):
    return _signed_in(trainer)


@pytest.fixture
def administrator_client(administrator):
    return _signed_in(administrator)


@pytest.fixture
def catalogue(db):
    """The course catalogue as the site's home page (what ``seed_demo`` sets up)."""
    return catalogue_as_site_root()
