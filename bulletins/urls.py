from django.urls import path

from bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("<int:pk>/", views.bulletin_request, name="bulletin"),
    path("rounds/<int:pk>/", views.round_report_request, name="round_report"),
    path("templates/", views.bulletin_templates, name="templates"),
    path("issue/<str:kind>/<int:pk>/", views.issue, name="issue"),
    path("register/", views.register, name="register"),
    path("register/<int:pk>.<str:fmt>", views.issued_file, name="issued_file"),
    path("templates/default.docx", views.default_bulletin_template, name="default_template"),
    path("templates/round-default.docx", views.default_round_template, name="default_round_template"),
    path("templates/survey-default.docx", views.default_survey_template, name="default_survey_template"),
    path("surveys/<int:pk>/", views.survey_report_request, name="survey_report"),
]
