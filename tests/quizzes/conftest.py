import pytest

from tests.factories import CoursePageFactory, ModulePageFactory
from tests.quizzes.factories import one_of_each, quiz_with
from tests.quizzes.scenario_factories import ScenarioPageFactory


@pytest.fixture
def module(catalogue):
    course = CoursePageFactory(parent=catalogue)
    return ModulePageFactory(parent=course)


@pytest.fixture
def questions(db):
    return one_of_each()


@pytest.fixture
def quiz(module, questions):
    return quiz_with(module, questions)


@pytest.fixture
def scenario(module):
    return ScenarioPageFactory(parent=module, title="Titel gestern abgelaufen")
