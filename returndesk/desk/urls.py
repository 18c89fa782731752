from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<uuid:id>/", views.case_detail, name="case_detail"),
    path("workflow/", views.workflow, name="workflow"),
    path("healthz", views.healthz, name="healthz"),
]
