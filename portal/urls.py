from django.urls import path

from portal import open311, views

app_name = "portal"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("track/", views.track_lookup, name="track_lookup"),
    path("elder-mode/", views.elder_mode, name="elder_mode"),
    path("track/<str:code>/", views.track, name="track"),
    path("reports/", views.public_list, name="public_list"),
    path("reports/map.json", views.public_map_data, name="public_map_data"),
    path("reports/area.json", views.county_area, name="county_area"),
    path("reports/photos/<str:token>.jpg", views.public_photo, name="photo"),
    path("portal/", views.office_reports, name="office_reports"),
    path("portal/photos/<int:pk>/visibility/", views.photo_visibility, name="photo_visibility"),
    path("portal/points/", views.points, name="points"),
    path("portal/points.xlsx", views.points_export, name="points_export"),
    path("portal/hotline/", views.hotline, name="hotline"),
    path("portal/hotline/import/", views.hotline_import, name="hotline_import"),
    path("portal/keys/", views.api_keys, name="api_keys"),
    path("portal/keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    # Open311 GeoReport v2
    path("open311/v2/", open311.discovery, {"fmt": "xml"}, name="open311_root"),
    path("open311/discovery.<str:fmt>", open311.discovery, name="open311_discovery"),
    path("open311/v2/discovery.<str:fmt>", open311.discovery),
    path("open311/v2/services.<str:fmt>", open311.services, name="open311_services"),
    path("open311/v2/services/<str:code>.<str:fmt>", open311.service_definition, name="open311_service"),
    path("open311/v2/requests.<str:fmt>", open311.requests, name="open311_requests"),
    path("open311/v2/requests/<str:number>.<str:fmt>", open311.request_detail, name="open311_request"),
    path("open311/v2/tokens/<str:token>.<str:fmt>", open311.token, name="open311_token"),
]
