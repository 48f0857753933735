"""The JSON API under /api/v1/ (OpenAPI schema at /api/v1/openapi.json). Each app adds its router."""

from ninja import NinjaAPI
from ninja.security import django_auth

from cases.api import router as cases_router
from core.replicas import reading
from framework.api import router as framework_router
from org.api import router as org_router

api = NinjaAPI(title="Chuangwen API", version="1", urls_namespace="api", auth=django_auth)
# Reads may come from a replica; a writing request reads from the primary all the same (core.replicas).
api.add_decorator(reading(), mode="view")
api.add_router("/", org_router)
api.add_router("/", framework_router)
api.add_router("/", cases_router)
