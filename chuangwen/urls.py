from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path

from chuangwen.api import api
from chuangwen.moved import moved
from inspections import views as inspection_views
from surveys import views as survey_views

urlpatterns = [
    # The public side first: a resolver tries the patterns in order, and its report page is the busiest write.
    path("", include("portal.urls")),
    path("", include("shell.urls")),
    path("org/", include("org.urls")),
    path("addresses/", include("addresses.urls")),
    path("cases/", include("cases.urls")),
    path("surveys/", include("surveys.urls")),
    path("inbox/", include("notify.urls")),
    path("scores/", include("scoring.urls")),
    path("bulletins/", include("bulletins.urls")),
    path("screen/", include("dashboard.urls")),
    # The old dashboard page: the 大屏 replaced it (docs/architecture.md).
    re_path(r"^dashboard/(?P<rest>)$", moved("/screen/")),
    path("jobs/", include("jobs.urls")),
    path("inspections/", include("inspections.urls")),
    path("s/<str:token>/", survey_views.public_survey, name="survey_public"),
    path("s/", survey_views.survey_thanks, name="survey_thanks"),
    path("site/<int:pk>/", inspection_views.public_site, name="site_public"),
    path("framework/", include("framework.urls")),
    path("materials/", include("materials.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    path("django-admin/", admin.site.urls),
]

# Paths of the old `reports` app (bulletins, jobs, the dashboard and the case export lived under /reports/, which
# is also the portal's list of citizen reports): bookmarks and forms keep working, with their method.
urlpatterns += [
    re_path(r"^reports/bulletins/(?P<rest>\d+/)$", moved("/bulletins/")),
    re_path(r"^reports/rounds/(?P<rest>\d+/)$", moved("/bulletins/rounds/")),
    re_path(
        r"^reports/templates/(?P<rest>(default\.docx|round-default\.docx)?)$", moved("/bulletins/templates/")
    ),
    re_path(r"^reports/jobs/(?P<rest>\d+/(download/)?)$", moved("/jobs/")),
    re_path(r"^reports/dashboard/(?P<rest>)$", moved("/screen/")),
    re_path(r"^reports/case-export/(?P<rest>)$", moved("/cases/export/")),
]

handler400 = "shell.views.bad_request"
handler403 = "shell.views.permission_denied"
handler404 = "shell.views.page_not_found"
handler500 = "shell.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
