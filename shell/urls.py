from django.contrib.auth import views as auth_views
from django.urls import path

from shell import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("calendar/", views.work_calendar, name="work_calendar"),
    path("calendar/<int:pk>/remove/", views.work_calendar_remove, name="work_calendar_remove"),
    path("audit/", views.audit_log, name="audit_log"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
