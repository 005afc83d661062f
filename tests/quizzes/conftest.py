import pytest

from tests.factories import CoursePageFactory, ModulePageFactory
from tests.quizzes.factories import one_of_each, quiz_with


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
