from django.urls import path

from . import views

app_name = "audit"

# Mounted under the model's own path by modelhub/urls.py.
model_urlpatterns = [
    path("activity/", views.model_activity_view, name="model_activity"),
]
