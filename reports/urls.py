from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("bulletins/<int:pk>/", views.bulletin_request, name="bulletin"),
    path("rounds/<int:pk>/", views.round_report_request, name="round_report"),
    path("case-export/", views.case_export, name="case_export"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/download/", views.download, name="download"),
    path("templates/", views.bulletin_templates, name="templates"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/", views.dashboard_data, name="dashboard_data"),
    path("templates/default.docx", views.default_bulletin_template, name="default_template"),
    path("templates/round-default.docx", views.default_round_template, name="default_round_template"),
]
