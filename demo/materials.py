"""Demo materials (网上申报): the current quarter's requests for every criterion of the demo edition that asks for
materials, to its task-breakdown units, with submissions in every state (not started, draft, awaiting review,
returned, accepted and scored, accepted late, overdue), and the materials component of the quarter's schemes at
10 points. Deterministic and idempotent."""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image, ImageDraw

from core.excel import active_sheet
from core.models import Period
from demo.framework import EDITION_NAME
from framework.models import Criterion, MaterialType, MethodKind
from materials import actions, grading
from materials.models import MaterialRequest
from notify.models import Delivery
from org.models import Person, Role
from scoring import actions as scoring_actions
from scoring.models import ComponentKind

SEED = 20261201
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATES = [
    "requested",
    "draft",
    "submitted",
    "submitted",
    "returned",
    "accepted",
    "accepted",
    "late",
    "overdue",
]
REPORT = (
    "本季度，我单位按照创建工作要求，成立工作专班，制定实施方案，明确责任分工。"
    "累计开展专项活动十二场，参与群众一千余人次，发放宣传资料三千余份，整改问题四十六处。"
    "下一步将巩固成果，建立长效机制。"
)


def _photo(rng: random.Random, n: int) -> SimpleUploadedFile:
    image = Image.new(
        "RGB", (640, 480), (rng.randint(120, 220), rng.randint(150, 230), rng.randint(120, 220))
    )
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 300, 580, 440), fill=(rng.randint(30, 90), rng.randint(60, 120), rng.randint(30, 90)))
    draw.ellipse((420, 40, 540, 160), fill=(250, 220, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(f"现场照片{n}.jpg", out.getvalue(), content_type="image/jpeg")


def _table(unit_name: str) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = active_sheet(workbook)
    sheet.append(["序号", "项目", "数量", "备注"])
    for n, item in enumerate(["公益广告", "宣传活动", "志愿服务", "问题整改"], start=1):
        sheet.append([n, item, 10 * n, unit_name])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("统计表.xlsx", out.getvalue())


def _fill(handler: Person, request: MaterialRequest, rng: random.Random) -> None:
    for kind in request.material_types:
        if kind == MaterialType.PHOTO:
            count = min(request.photo_limit or 3, rng.randint(2, 4))
            actions.add_files(handler, request, kind, [_photo(rng, n) for n in range(1, count + 1)])
        elif kind == MaterialType.REPORT:
            actions.save_text(handler, request, REPORT[: request.word_limit or len(REPORT)])
        elif kind == MaterialType.TABLE:
            actions.add_files(handler, request, kind, [_table(request.unit.name)])
        else:
            actions.add_files(handler, request, kind, [SimpleUploadedFile("实施方案.pdf", PDF)])


def _score(admin: Person, request: MaterialRequest, rng: random.Random) -> None:
    grades = grading.grades_for(request.criterion)
    if grades:
        actions.accept(
            admin, request, "材料齐全，符合要求。", grade=grades[0 if rng.random() < 0.7 else 1].code
        )
    else:
        points = request.possible * Decimal(rng.choice(["1", "0.9", "0.8"]))
        actions.accept(admin, request, "材料齐全，符合要求。", points=points)


def _play(
    admin: Person, handler: Person | None, request: MaterialRequest, state: str, rng: random.Random
) -> None:
    if state == "requested" or handler is None:  # a unit without a handler never answers
        return
    if state in ("overdue", "late"):
        # Issued earlier with a deadline now passed: the demo writes the past directly, since a deadline change
        # through the action would put a change nobody made into the request's history.
        MaterialRequest.objects.filter(pk=request.pk).update(
            deadline=timezone.localdate() - dt.timedelta(days=3)
        )
        request.refresh_from_db()
    if state == "overdue":
        return
    if state == "late":
        # Sent today, after the deadline: scored, less the late share.
        _fill(handler, request, rng)
        actions.submit(handler, request)
        _score(admin, request, rng)
        return
    _fill(handler, request, rng)
    if state == "draft":
        return
    actions.submit(handler, request)
    if state == "submitted":
        return
    actions.return_to_unit(admin, request, "照片未体现公益广告内容，请补充近景照片并加盖公章。")
    if state == "returned":
        return
    _fill(handler, request, rng)  # the second version adds what was asked
    actions.submit(handler, request)
    _score(admin, request, rng)


def _current_period() -> Period | None:
    """The quarter of today, else the latest quarter (the demo's scores hold 2026 Q3 and Q4)."""
    today = timezone.localdate()
    quarters = Period.objects.filter(kind=Period.Kind.QUARTER)
    current = quarters.filter(year=today.year, number=(today.month - 1) // 3 + 1).first()
    return current or quarters.order_by("-year", "-number").first()


@transaction.atomic
def build_demo_materials() -> int:
    if MaterialRequest.objects.exists():
        return 0
    period = _current_period()
    admin = Person.objects.filter(role=Role.OFFICE_ADMIN).order_by("pk").first()
    criteria = Criterion.objects.filter(edition__name=EDITION_NAME, requirements__kind=MethodKind.MATERIAL)
    if period is None or admin is None or not criteria.exists():
        return 0
    # The demo's messages land in the inbox; no SMS, email or robot message goes out to its fictional addresses.
    last_delivery = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    report = actions.issue_requests(
        admin,
        period=period,
        criteria=list(criteria.distinct()),
        deadline=timezone.localdate() + dt.timedelta(days=10),
        note="请按要求报送本季度网上申报材料。",
    )
    handlers = {p.unit_id: p for p in Person.objects.filter(role=Role.UNIT_HANDLER).order_by("username")}
    rng = random.Random(SEED)
    for request in sorted(report.created, key=lambda r: r.pk):
        handler = handlers.get(request.unit_id)
        state = rng.choice(STATES) if handler else "requested"
        _play(admin, handler, request, state, rng)
    for scheme in period.schemes.all():
        if scheme.publications.exists():
            continue
        component = scheme.components.get(kind=ComponentKind.MATERIAL)
        if component.weight == 0:
            scoring_actions.update_component(admin, component, Decimal("10"), dict(component.params))
    Delivery.objects.filter(pk__gt=last_delivery, status=Delivery.Status.PENDING).delete()
    return len(report.created)
