from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from returndesk.api.api import api

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = _("ReturnDesk admin")
admin.site.index_title = _("Configuration and oversight")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("portal/", include("returndesk.portal.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("analytics/", include("returndesk.analytics.urls")),
    path("improvements/", include("returndesk.improvements.urls")),
    path("kb/", include("returndesk.knowledge.urls")),
    path("", include("returndesk.desk.urls")),
]
