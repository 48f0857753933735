"""The JSON API under /api/v1/ (OpenAPI schema at /api/v1/openapi.json). Each app adds its router.

Callers authenticate with the session or a bearer token (`org.apiauth`); reading needs the token scope
`cases:read`, and each writing endpoint names its own scope.
"""

from ninja import NinjaAPI

from cases.api import router as cases_router
from core.replicas import reading
from framework.api import router as framework_router
from org.api import router as org_router
from org.apiauth import api_auth
from org.models import ApiScope

api = NinjaAPI(title="Chuangwen API", version="1", urls_namespace="api", auth=api_auth(ApiScope.READ))
# Reads may come from a replica; a writing request reads from the primary all the same (core.replicas).
api.add_decorator(reading(), mode="view")
api.add_router("/", org_router)
api.add_router("/", framework_router)
api.add_router("/", cases_router)
