"""The project's URLs and error handlers, plus a page that fails: for the test of the 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from chuangwen import urls as project


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail: password=hunter2")


handler500 = project.handler500
urlpatterns = [path("fail/", fail), *project.urlpatterns]
