"""The site map and list per town, the printable responsibility board with its QR code, the public site page."""

from __future__ import annotations

import datetime as dt
import hashlib

import time_machine
from django.core.cache import cache
from django.urls import reverse

from framework.models import SiteType
from framework.queries import checklist_for, checklist_texts
from inspections.actions import Answer, submit_visit
from inspections.boards import public_phone, qr_svg, qr_svgs


def test_the_map_data_is_scoped_and_carries_the_latest_score(county, login, open_round, market_a, market_b):
    with time_machine.travel(dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)):
        visit = open_round().visits.get(site=market_a)
        items = list(checklist_for(visit.site.site_type, visit.round.edition))
        submit_visit(
            county.inspector,
            visit,
            [Answer(item=i, verdict=v) for i, v in zip(items, ["fail", "pass", "pass"], strict=True)],
        )
    data = login(county.handler_a).get(reverse("inspections:site_map_data")).json()
    assert [(f["properties"]["name"], f["properties"]["score"]) for f in data["features"]] == [
        ("城关农贸市场", round(2.5 / 3.5, 4))
    ]
    assert data["features"][0]["geometry"]["coordinates"] == [market_a.lon, market_a.lat]
    everything = login(county.office_admin).get(reverse("inspections:site_map_data")).json()
    assert {f["properties"]["name"] for f in everything["features"]} == {"城关农贸市场", "柳河农贸市场"}


def test_the_map_page_lists_a_towns_sites(county, login, market_a, market_b):
    client = login(county.office_admin)
    page = client.get(reverse("inspections:site_map"))
    assert page.status_code == 200 and 'data-testid="sites-per-town"' in page.text
    page = client.get(reverse("inspections:site_map"), {"town": county.town_b.pk})
    listed = page.text[page.text.index('data-testid="town-sites"') :]
    assert "柳河农贸市场" in listed and "城关农贸市场" not in listed


def test_the_board_has_the_keeper_phones_and_a_qr_code(county, login, edition, market_a):
    keeper = county.community_a
    keeper.head_name, keeper.head_phone = "王主任", "13812345678"
    keeper.liaison_name, keeper.liaison_phone = "李干事", "0537-6661234"
    keeper.save()
    page = login(county.office_admin).get(reverse("inspections:site_board", args=[market_a.pk]))
    assert page.status_code == 200
    text = page.text
    assert "城关农贸市场" in text and "新华社区" in text and "王主任" in text
    assert "13812345678" in text and "0537-6661234" in text  # printed as the 监督电话, unlike the web page
    assert "<svg" in text and f"/site/{market_a.pk}/" in text
    assert "地面干净" in text  # the checklist lines are the keeper's duties


def test_the_duties_of_many_site_types_are_read_at_once_in_checklist_order(
    edition, market_type, django_assert_num_queries
):
    other = SiteType.objects.exclude(pk=market_type.pk)[0]
    with django_assert_num_queries(1):
        texts = checklist_texts([market_type.pk, other.pk], edition, limit=2)
    assert texts == {market_type.pk: ["地面干净", "摊位整齐"], other.pk: []}
    assert texts[market_type.pk] == [i.text for i in checklist_for(market_type, edition)][:2]
    assert checklist_texts([market_type.pk], None, limit=2) == {market_type.pk: []}


def test_a_towns_boards_print_at_once_and_others_stay_out(county, login, market_a, market_b):
    page = login(county.handler_a).get(reverse("inspections:site_boards"))
    assert page.text.count('data-testid="board"') == 1 and "柳河农贸市场" not in page.text
    assert (
        login(county.handler_a).get(reverse("inspections:site_board", args=[market_b.pk])).status_code == 404
    )


def test_the_public_page_needs_no_login_and_links_to_reporting_here(client, county, market_a):
    keeper = county.community_a
    keeper.head_name, keeper.head_phone = "王主任", "13812345678"
    keeper.save()
    page = client.get(reverse("site_public", args=[market_a.pk]))
    assert page.status_code == 200
    assert "城关农贸市场" in page.text and "138****5678" in page.text and "13812345678" not in page.text
    report = client.get(
        reverse("portal:report"),
        {"address": "城关农贸市场 人民路1号", "lon": market_a.lon, "lat": market_a.lat},
    )
    assert 'value="城关农贸市场 人民路1号"' in report.text and f'value="{market_a.lon}"' in report.text
    assert f"{reverse('portal:report')}?address=" in page.text


def test_phones_are_masked_only_when_personal():
    assert public_phone("13812345678") == "138****5678"
    assert public_phone("138 1234 5678") == "138****5678"
    assert public_phone("0537-6661234") == "0537-6661234"
    assert public_phone("") == ""


def test_board_qr_codes_are_made_once_and_reused_from_the_cache():
    cache.clear()
    urls = [f"https://cw.example.gov.cn/site/{n}/" for n in range(3)]
    made = qr_svgs(urls)
    assert set(made) == set(urls) and all(svg.startswith("<svg") for svg in made.values())
    assert len(cache.get_many([f"qr:{hashlib.sha256(u.encode()).hexdigest()[:32]}" for u in urls])) == 3
    assert qr_svgs(urls) == made == {url: qr_svg(url) for url in urls}
