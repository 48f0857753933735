from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("export.xlsx", views.case_export, name="export"),
    path("export/", views.case_export_job, name="export_job"),
    path("bulk-dispatch/", views.case_bulk_dispatch, name="bulk_dispatch"),
    path("map/", views.case_map, name="map"),
    path("map.json", views.case_map_data, name="map_data"),
    path("metrics/", views.case_metrics, name="metrics"),
    path("categories/", views.category_list, name="categories"),
    path("categories/new/", views.category_edit, name="category_create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("photos/<int:pk>/<str:variant>/", views.case_photo, name="photo"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.case_step, name="step"),
]
