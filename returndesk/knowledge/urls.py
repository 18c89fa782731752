from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.search, name="search"),
    path("partial/", views.partial, name="partial"),
    path("new/", views.article_new, name="new"),
    path("articles/<uuid:id>/", views.article, name="article"),
    path("articles/<uuid:id>/edit/", views.article_edit, name="edit"),
]
