from django.urls import path

from quizzes import scenario_views

app_name = "scenarios"

urlpatterns = [
    path("spiel/<int:play_id>/", scenario_views.scenario_play, name="play"),
    path("spiel/<int:play_id>/waehlen/", scenario_views.scenario_choose, name="choose"),
    path("spiel/<int:play_id>/neu/", scenario_views.scenario_restart, name="restart"),
]
