from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.screen, name="screen"),
    path("panel/", views.panel, {"key": ""}, name="default_panel"),
    path("panel/<slug:key>/", views.panel, name="default_panel_key"),
    path("<int:pk>/", views.screen, name="named"),
    path("<int:pk>/panel/<slug:key>/", views.panel, name="panel_key"),
    path("<int:pk>/panel/", views.panel, {"key": ""}, name="panel"),
    path("screens/", views.screens, name="screens"),
    path("screens/new/", views.edit, name="new"),
    path("screens/<int:pk>/", views.edit, name="edit"),
    path("screens/<int:pk>/links/", views.add_link, name="add_link"),
    path("links/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("tv/<str:token>/", views.display, name="display"),
    path("tv/<str:token>/panel/<slug:key>/", views.display_panel, name="display_panel_key"),
    path("tv/<str:token>/panel/", views.display_panel, {"key": ""}, name="display_panel"),
]
