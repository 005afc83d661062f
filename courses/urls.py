from django.urls import path

from courses import views

app_name = "glossary"

urlpatterns = [
    path("", views.glossary, name="index"),
]
