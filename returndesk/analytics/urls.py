from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("panels/<slug:key>/", views.panel_fragment, name="panel"),
    path("panels/<slug:key>.<str:fmt>", views.panel_export, name="export"),
]
