from django.urls import path

from framework import views

app_name = "framework"
urlpatterns = [
    path("", views.framework_home, name="home"),
    path("editions/", views.edition_list, name="edition_list"),
    path("editions/<int:pk>/", views.edition_tree, name="edition_tree"),
    path("editions/<int:pk>/activate/", views.edition_activate, name="edition_activate"),
    path("editions/<int:pk>/publish/", views.edition_publish, name="edition_publish"),
    path("editions/<int:pk>/export.xlsx", views.edition_export, name="edition_export"),
    path("editions/<int:pk>/copy/", views.edition_copy, name="edition_copy"),
    path("editions/compare/", views.edition_compare, name="edition_compare"),
    path("editions/import/", views.edition_import, name="edition_import"),
    path("editions/template.xlsx", views.edition_template, name="edition_template"),
    path("criteria/<int:pk>/", views.criterion_detail, name="criterion_detail"),
    path("criteria/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("site-types/", views.site_type_list, name="site_type_list"),
    path("site-types/new/", views.site_type_edit, name="site_type_create"),
    path("site-types/<int:pk>/", views.site_type_detail, name="site_type_detail"),
    path("site-types/<int:pk>/edit/", views.site_type_edit, name="site_type_edit"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/assign/", views.task_assign, name="task_assign"),
    path("tasks/export.xlsx", views.task_export, name="task_export"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("task-units/<int:pk>/report/", views.task_unit_report, name="task_unit_report"),
    path("task-units/<int:pk>/confirm/", views.task_unit_confirm, name="task_unit_confirm"),
    path("task-units/<int:pk>/return/", views.task_unit_return, name="task_unit_return"),
    path("task-units/<int:pk>/remind/", views.task_unit_remind, name="task_unit_remind"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
