from django.urls import path

from exports import views

app_name = "exports"

urlpatterns = [
    path("", views.deck_form, name="deck"),
    path("meine-zuweisungen/", views.deck_form_assigned, name="assigned"),
    path("export/<int:pk>/", views.deck_export_status, name="status"),
    path("export/<int:pk>/status.json", views.deck_export_status_json, name="status-json"),
    path("export/<int:pk>/datei/", views.deck_export_download, name="download"),
    # Linked by name from the review page (training/vocabulary/review.html).
    path("audio/<int:pk>/<str:language>.mp3", views.term_audio, name="audio"),
]
