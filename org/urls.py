from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/reset-password/", views.person_reset_password, name="person_reset_password"),
    path("people/<int:pk>/unlock/", views.person_unlock, name="person_unlock"),
    path("grids/", views.grid_list, name="grid_list"),
    path("grids/new/", views.grid_edit, name="grid_create"),
    path("grids/locate/", views.grid_locate, name="grid_locate"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
    path("grids/<int:pk>/edit/", views.grid_edit, name="grid_edit"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:pk>/", views.token_detail, name="token_detail"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("import/", views.import_view, name="import"),
    path("import/template/<str:kind>.xlsx", views.import_template, name="import_template"),
]
