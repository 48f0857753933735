from django.urls import path

from addresses import views

app_name = "addresses"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("search.json", views.search, name="search"),
    path("reverse.json", views.reverse_lookup, name="reverse"),
    path("basemap.json", views.base_map, name="basemap"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("doorplates/new/", views.edit, {"kind": "doorplate"}, name="doorplate_new"),
    path("doorplates/<int:pk>/", views.edit, {"kind": "doorplate"}, name="doorplate_edit"),
    path("places/new/", views.edit, {"kind": "place"}, name="place_new"),
    path("places/<int:pk>/", views.edit, {"kind": "place"}, name="place_edit"),
    path("roads/<int:pk>/", views.edit, {"kind": "road"}, name="road_edit"),
]
