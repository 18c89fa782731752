from django.urls import path

from . import views

app_name = "improvements"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("new/", views.action_new, name="new"),
    path("<uuid:id>/", views.action_detail, name="detail"),
    path("followups/", views.followup_list, name="followups"),
]
