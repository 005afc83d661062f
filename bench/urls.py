"""The platform's urls plus the benchmark's floor view (never part of production)."""

from django.urls import path

from bench.floor import floor
from training.urls import urlpatterns as platform_urlpatterns

# Before the platform's patterns: they end with Wagtail's catch-all page route.
urlpatterns = [path("bench/floor/<int:size>/", floor, name="bench_floor"), *platform_urlpatterns]
