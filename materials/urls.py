from django.urls import path

from materials import views

app_name = "materials"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("matrix/", views.matrix, name="matrix"),
    path("list/", views.request_list, name="list"),
    path("issue/", views.issue, name="issue"),
    path("bundle/", views.bundle, name="bundle"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/upload/", views.upload, name="upload"),
    path("requests/<int:pk>/text/", views.save_text, name="save_text"),
    path("requests/<int:pk>/submit/", views.submit, name="submit"),
    path("requests/<int:pk>/accept/", views.accept, name="accept"),
    path("requests/<int:pk>/return/", views.return_, name="return"),
    path("requests/<int:pk>/rescore/", views.rescore, name="rescore"),
    path("requests/<int:pk>/remind/", views.remind, name="remind"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("files/<int:pk>/thumb/", views.file_thumbnail, name="thumbnail"),
    path("files/<int:pk>/remove/", views.remove_file, name="remove_file"),
    path("reviews/<int:period>/<int:unit>/", views.reviews, name="reviews"),
]
