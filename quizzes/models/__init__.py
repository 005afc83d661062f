from quizzes.models.scenarios import *  # noqa: F403
