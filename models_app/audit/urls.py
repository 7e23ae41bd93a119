from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("<uuid:ref>/activity/", views.model_activity_view, name="model_activity"),
]
