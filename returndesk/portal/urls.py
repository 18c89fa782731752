from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("find/", views.find_order, name="find"),
    path("find/code/", views.enter_code, name="code"),
    path("orders/", views.orders, name="orders"),
    path("request/", views.request_new, name="request"),
    path("request/preview/", views.request_preview, name="preview"),
    path("request/csv/", views.request_csv, name="request_csv"),
    path("cases/", views.cases, name="cases"),
    path("cases/<uuid:id>/", views.case_page, name="case"),
    path("cases/<uuid:id>/actions/<slug:action>/", views.case_action, name="case_action"),
    path("cases/<uuid:id>/messages/", views.case_message, name="case_message"),
    path("cases/<uuid:id>/files/", views.case_files, name="case_files"),
    path("cases/<uuid:id>/files/<uuid:file_id>/", views.case_file, name="case_file"),
    path("cases/<uuid:id>/survey/", views.case_survey, name="case_survey"),
    path("cases/<uuid:id>/return-label.pdf", views.case_return_label, name="case_return_label"),
]
