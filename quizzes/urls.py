from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("versuch/<int:attempt_id>/", views.attempt_resume, name="resume"),
    path("versuch/<int:attempt_id>/frage/<int:number>/", views.attempt_question, name="question"),
    path(
        "versuch/<int:attempt_id>/frage/<int:number>/selbst/",
        views.attempt_self_assess,
        name="self_assess",
    ),
    path("versuch/<int:attempt_id>/uebersicht/", views.attempt_overview, name="overview"),
    path("versuch/<int:attempt_id>/abschliessen/", views.attempt_finish, name="finish"),
    path("versuch/<int:attempt_id>/auswertung/", views.attempt_review, name="review"),
]
