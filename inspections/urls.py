from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("sites/", views.site_list, name="site_list"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("rounds/", views.round_list, name="round_list"),
    path("results/", views.results, name="results"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/publish/", views.round_publish, name="round_publish"),
    path("categories/", views.line_categories, name="line_categories"),
    path("mine/", views.my_visits, name="my_visits"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
]
