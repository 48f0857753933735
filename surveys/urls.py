from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/new/", views.run_edit, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/edit/", views.run_edit, name="run_edit"),
    path("runs/<int:pk>/quotas/", views.run_quotas, name="run_quotas"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/fill/<int:questionnaire_pk>/", views.fill, name="fill"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="run_export"),
    path("questionnaires/new/", views.questionnaire_edit, name="questionnaire_create"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<int:pk>/questions/new/", views.question_edit, name="question_create"),
    path("questionnaires/<int:pk>/questions/<int:question_pk>/", views.question_edit, name="question_edit"),
    path("questionnaires/<int:pk>/import/", views.questionnaire_import, name="questionnaire_import"),
    path("questionnaires/<int:pk>/export.xlsx", views.questionnaire_export, name="questionnaire_export"),
]
