"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under /open311/v2/, to the letter: XML and JSON
(lists as bare arrays), W3C dates with a time zone, WGS-84 coordinates, errors as an array of {code, description}
with the matching HTTP status. Plain views rather than django-ninja: the wire format (XML, form-encoded POST,
`attribute[code][]`) is the spec's, not a schema of ours."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from redis.exceptions import RedisError

from cases.models import Case
from core.forms import EARLIEST, LATEST
from core.replicas import reading
from core.text import clean_value
from portal import actions, queries
from portal.access import public_photo_url
from portal.models import CitizenReport, PublicService, ServiceAttribute
from portal.queries import PublicReport

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
logger = logging.getLogger(__name__)
SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00+08:00"
MAX_RESULTS = 1000
DEFAULT_DAYS = 90
# The element name of one item of each list, in XML.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
ATTRIBUTE_NAME = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        self.status, self.description = status, str(description)
        super().__init__(description)


# --- Rendering ----------------------------------------------------------------------------------------


def w3c(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _xml_fill(element: ET.Element, data: dict) -> None:
    for name, value in data.items():
        child = ET.SubElement(element, name)
        if isinstance(value, list):
            for item in value:
                _xml_item(child, XML_ITEMS[name], item)
        elif isinstance(value, dict):
            _xml_fill(child, value)
        else:
            child.text = _xml_text(value)


def _xml_item(parent: ET.Element, tag: str, item: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(item, dict):
        _xml_fill(element, item)
    else:
        element.text = _xml_text(item)


def render(fmt: str, root: str, data: list | dict, status: int = 200) -> HttpResponse:
    """JSON: the list (bare array) or object itself. XML: `<root>` holding the items or the fields. Text is cleaned
    of XML-illegal characters in both (core.text): a row stored before input was cleaned made the XML invalid."""
    data = clean_value(data)
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
    else:
        element = ET.Element(root)
        if isinstance(data, list):
            for item in data:
                _xml_item(element, XML_ITEMS[root], item)
        else:
            _xml_fill(element, data)
        body = '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(element, encoding="unicode")
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(
        fmt if fmt in FORMATS else "xml", "errors", [{"code": status, "description": description}], status
    )


def endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Unknown format → 404; an `Open311Error` becomes the spec's error array in the asked format, and so does a
    fault: clients parse the array, never Django's HTML error page. The database (or another service) out of reach
    is a 503 with Retry-After, anything else a 500; both are logged."""

    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in FORMATS:
            return error("xml", 404, _("Format not supported: use .xml or .json."))
        try:
            with reading():  # a writing request reads from the primary all the same (core.replicas)
                return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)
        except (DatabaseError, RedisError, OSError):  # the database, the cache or the storage out of reach
            logger.exception("Open311 %s: a service is out of reach", request.path)
            response = error(fmt, 503, _("The service is temporarily unavailable. Try again in a minute."))
            response["Retry-After"] = "60"
            return response
        except Exception:
            logger.exception("Open311 %s failed", request.path)
            return error(fmt, 500, _("The server failed to answer this request."))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def _only(request: HttpRequest, *methods: str) -> None:
    if request.method not in methods:
        raise Open311Error(405, _("Method not allowed: use %(methods)s.") % {"methods": ", ".join(methods)})


# --- Serialisers ----------------------------------------------------------------------------------------


def service_data(service: PublicService, has_attributes: bool) -> dict:
    return {
        "service_code": service.service_code,
        "service_name": service.name,
        "description": service.description,
        "metadata": has_attributes,
        "type": "realtime",
        "keywords": service.keywords,
        "group": service.group,
    }


def attribute_data(attribute: ServiceAttribute) -> dict:
    return {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description,
        "order": attribute.order,
        "description": attribute.description,
        "values": [{"key": str(key), "name": name} for key, name in attribute.values],
    }


def status_notes(report: PublicReport) -> str:
    """Our state in words, and for a finished report the office's note (e.g. why it was not accepted)."""
    case = report.case
    text = case.get_state_display()
    if case.state in Case.FINAL_STATES and report.state_note:
        text = f"{text}: {report.state_note}"
    return text


def request_data(request: HttpRequest, report: PublicReport) -> dict:
    case = report.case
    photos = [photo for photo in report.case.public_photos if photo.kind == photo.Kind.BEFORE]
    media = request.build_absolute_uri(public_photo_url(photos[0])) if photos else None
    return {
        "service_request_id": case.number,
        "status": "open" if case.is_open() else "closed",
        "status_notes": status_notes(report),
        "service_name": report.service.name,
        "service_code": report.service.service_code,
        "description": case.description,
        "agency_responsible": case.unit.name if case.unit else "",
        "service_notice": "",
        "requested_datetime": w3c(case.reported_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.deadline) if case.is_open() else None,
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lon,
        "media_url": media,
    }


# --- Endpoints ------------------------------------------------------------------------------------------


@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    url = request.build_absolute_uri(reverse("portal:open311_root"))
    data = {
        "changeset": CHANGESET,
        "contact": _("The campaign office of %(place)s") % {"place": _jurisdiction()},
        "key_service": _("API keys are issued by the campaign office."),
        "endpoints": [
            {
                "specification": SPEC,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(fmt, "discovery", data)


def _jurisdiction() -> str:
    return settings.CHUANGWEN_JURISDICTION


@endpoint
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    rows = queries.public_services().prefetch_related("attributes")
    return render(fmt, "services", [service_data(s, bool(s.attributes.all())) for s in rows])


def _service(code: str) -> PublicService:
    service = queries.public_services().filter(service_code=code).first()
    if service is None:
        raise Open311Error(404, _("Service code %(code)s not found.") % {"code": code})
    return service


@endpoint
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    service = _service(code)
    data = {
        "service_code": service.service_code,
        "attributes": [attribute_data(a) for a in service.attributes.all()],
    }
    return render(fmt, "service_definition", data)


@endpoint
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD", "POST")
    if request.method == "POST":
        return _post_request(request, fmt)
    return _get_requests(request, fmt)


def _date(request: HttpRequest, name: str) -> dt.datetime | None:
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    try:
        value = parse_datetime(text.replace(" ", "+"))  # a '+' of an unencoded offset arrives as a space
    except ValueError:
        value = None
    if value is None or not EARLIEST <= value.date() <= LATEST:  # year 1 would overflow the 90-day window
        raise Open311Error(
            400, _("%(name)s is not a W3C date-time, e.g. 2026-11-29T08:00:00+08:00.") % {"name": name}
        )
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _csv(request: HttpRequest, name: str) -> list[str]:
    return [part.strip() for part in request.GET.get(name, "").split(",") if part.strip()]


def _get_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    numbers = _csv(request, "service_request_id")
    statuses = {s.lower() for s in _csv(request, "status")}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both."))
    start, end = _date(request, "start_date"), _date(request, "end_date")
    if start and end and start > end:
        raise Open311Error(400, _("start_date must be before end_date."))
    if not numbers and start is None:  # the spec's default window: the last 90 days (before end_date)
        start = (end or timezone.now()) - dt.timedelta(days=DEFAULT_DAYS)
    reports = queries.filter_requests(
        queries.public_reports(),
        numbers=numbers,
        service_codes=_csv(request, "service_code"),
        start=start,
        end=end,
        statuses=statuses or None,
    ).order_by("-case__reported_at")[:MAX_RESULTS]
    return render(fmt, "service_requests", [request_data(request, report) for report in reports])


@endpoint
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    report = queries.public_reports().filter(case__number=number).first()
    if report is None:
        raise Open311Error(404, _("Service request %(id)s not found.") % {"id": number})
    return render(fmt, "service_requests", [request_data(request, report)])


@endpoint
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    _only(request, "GET", "HEAD")
    report = CitizenReport.objects.select_related("case").filter(tracking_code=token.upper()).first()
    if report is None:
        raise Open311Error(404, _("Token %(token)s not found.") % {"token": token})
    return render(fmt, "service_requests", [{"service_request_id": report.case.number, "token": token}])


# --- POST requests --------------------------------------------------------------------------------------


def attributes_from(data) -> dict[str, list[str]]:
    """Both `attribute[code][]=v` (the spec) and repeated `attribute[code]=v` (FixMyStreet) give a list."""
    found: dict[str, list[str]] = {}
    for name, values in data.lists():
        match = ATTRIBUTE_NAME.match(name)
        if match:
            found.setdefault(match.group(1), []).extend(v for v in values if v != "")
    return found


def check_attributes(service: PublicService, given: dict[str, list[str]]) -> dict[str, Any]:
    """The service's attributes, checked against their type, required ones present; unknown codes dropped."""
    checked: dict[str, Any] = {}
    for attribute in service.attributes.all():
        values = given.get(attribute.code, [])
        if not values:
            if attribute.required:
                raise Open311Error(400, _("attribute[%(code)s] is required.") % {"code": attribute.code})
            continue
        checked[attribute.code] = _check_attribute(attribute, values)
    return checked


def _check_attribute(attribute: ServiceAttribute, values: list[str]) -> Any:
    T = ServiceAttribute.Datatype
    bad = Open311Error(400, _("attribute[%(code)s] has an invalid value.") % {"code": attribute.code})
    if attribute.datatype == T.MULTI:
        if not set(values) <= attribute.value_keys():
            raise bad
        return values
    if len(values) > 1:
        raise bad
    value = values[0]
    if attribute.datatype == T.SINGLE and value not in attribute.value_keys():
        raise bad
    if attribute.datatype == T.NUMBER:
        try:
            float(value)
        except ValueError:
            raise bad from None
    if attribute.datatype == T.DATETIME and parse_datetime(value) is None:
        raise bad
    return value


def _coordinates(data) -> tuple[float | None, float | None]:
    lat, lon = data.get("lat", "").strip(), data.get("long", "").strip()
    if not lat and not lon:
        return None, None
    try:
        return float(lon), float(lat)
    except ValueError:
        raise Open311Error(400, _("lat and long must both be decimal degrees (WGS-84).")) from None


def _post_request(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    key = actions.find_api_key(data.get("api_key") or request.GET.get("api_key", ""))
    if key is None:
        raise Open311Error(403, _("Invalid or missing api_key."))
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    service = _service(code)
    lon, lat = _coordinates(data)
    address = data.get("address_string", "").strip()
    if lon is None and not address and not data.get("address_id", "").strip():
        raise Open311Error(400, _("A location is required: lat and long, or address_string."))
    attributes = check_attributes(service, attributes_from(data))
    name = " ".join(p for p in (data.get("first_name", "").strip(), data.get("last_name", "").strip()) if p)
    try:
        report = actions.submit_report(
            service=service,
            # description is optional in the spec: a client may send only a service and a place
            description=data.get("description", "").strip() or service.name,
            lon=lon,
            lat=lat,
            address=address,
            phone=data.get("phone", ""),
            reporter_name=name,
            photos=request.FILES.getlist("media"),
            channel=CitizenReport.Channel.OPEN311,
            api_key=key,
            attributes=attributes,
        )
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from None
    row = {"service_request_id": report.case.number, "service_notice": "", "account_id": None}
    return render(fmt, "service_requests", [row])
