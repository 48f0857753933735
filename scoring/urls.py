from django.urls import path

from scoring import views

app_name = "scoring"
urlpatterns = [
    path("", views.period_list, name="period_list"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/adjustments/", views.adjustment_add, name="adjustment_add"),
    path("schemes/<int:pk>/publish/", views.publish, name="publish"),
    path("components/<int:pk>/", views.component_edit, name="component_edit"),
    path("adjustments/<int:pk>/remove/", views.adjustment_remove, name="adjustment_remove"),
    path("publications/<int:pk>/", views.publication_detail, name="publication_detail"),
    path("public/", views.public_scores, name="public"),
    path("rankings/", views.rankings, name="rankings"),
]
urlpatterns += [
    path("lost/", views.lost_points, name="lost_points"),
    path("lost/facts/", views.lost_facts, name="lost_facts"),
]
urlpatterns += [path("what-if/", views.what_if, name="what_if")]
urlpatterns += [path("materials/<int:pk>/late/", views.material_late, name="material_late")]
