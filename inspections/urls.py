from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/board/", views.site_board, name="site_board"),
    path("sites/boards/", views.site_boards, name="site_boards"),
    path("sites/import/", views.site_import, name="site_import"),
    path("sites/import/template.xlsx", views.site_import_template, name="site_import_template"),
    path("sites/map/", views.site_map, name="site_map"),
    path("sites/map.json", views.site_map_data, name="site_map_data"),
    path("rounds/", views.round_list, name="round_list"),
    path("results/", views.results, name="results"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/publish/", views.round_publish, name="round_publish"),
    path("categories/", views.line_categories, name="line_categories"),
    path("mine/", views.my_visits, name="my_visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
]
