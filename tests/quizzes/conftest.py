import pytest

from tests.factories import CoursePageFactory, ModulePageFactory
from tests.quizzes.scenario_factories import ScenarioPageFactory


@pytest.fixture
def module(catalogue):
    course = CoursePageFactory(parent=catalogue)
    return ModulePageFactory(parent=course)


@pytest.fixture
def scenario(module):
    return ScenarioPageFactory(parent=module, title="Titel gestern abgelaufen")
