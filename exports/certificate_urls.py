from django.urls import path

from exports.certificate_views import certificate_download

app_name = "certificates"

urlpatterns = [
    path("<int:completion_id>/", certificate_download, name="download"),
]
