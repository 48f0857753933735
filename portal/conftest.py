"""Fixtures for the public side: public services over the shipped categories, an API key, a JPEG with EXIF GPS."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.conftest import IN_GRID_A, categories, rubbish  # noqa: F401  (fixtures re-used here)
from portal.actions import issue_api_key
from portal.models import PublicService, ServiceAttribute

OUTSIDE = (116.0, 35.0)
SECRET_PHONE = "13912345678"


def gps_jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    """A JPEG carrying EXIF with GPS and a camera maker: the public copy must carry none of it."""
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (35.0, 30.0, 18.0), 3: "E", 4: (117.0, 0.0, 18.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate-limit counters and the county outline
    yield
    cache.clear()


@pytest.fixture
def service(county, rubbish) -> PublicService:  # noqa: F811
    service = PublicService.objects.create(
        service_code="rubbish", category=rubbish, name="暴露垃圾", description="Rubbish", group="环境卫生"
    )
    ServiceAttribute.objects.create(
        service=service,
        code="size",
        datatype=ServiceAttribute.Datatype.SINGLE,
        required=True,
        description="How much?",
        order=1,
        values=[["small", "一袋"], ["big", "一堆"]],
    )
    ServiceAttribute.objects.create(
        service=service,
        code="kinds",
        datatype=ServiceAttribute.Datatype.MULTI,
        description="What is it?",
        order=2,
        values=[["food", "厨余"], ["paper", "纸"], ["glass", "玻璃"]],
    )
    return service


@pytest.fixture
def plain_service(county, rubbish) -> PublicService:  # noqa: F811
    return PublicService.objects.create(service_code="litter", category=rubbish, name="乱扔垃圾")


@pytest.fixture
def api_key(county) -> str:
    return issue_api_key(None, "12345 platform")[1]
