"""Browsing the framework: the tree with points per node, search, the criterion page, site type checklists."""

from __future__ import annotations

from django.urls import reverse

from framework.models import CheckItem
from framework.tree import EditionBuilder


def test_it_shows_the_tree_with_points_summed_per_node(county, edition, login):
    response = login(county.handler_a).get(reverse("framework:edition_tree", args=[edition.pk]))
    roots = response.context["roots"]
    assert [(r.node.code, r.points, r.count) for r in roots] == [("Ⅰ-1", 8, 2)]
    assert [(c.node.code, c.points) for c in roots[0].children[0].children] == [("Ⅲ-1", 5), ("Ⅲ-2", 3)]
    assert "农贸市场干净整洁" in response.content.decode()


def test_it_searches_the_criteria_text(county, edition, login):
    response = login(county.handler_a).get(
        reverse("framework:edition_tree", args=[edition.pk]), {"q": "支持率"}
    )
    html = response.content.decode()
    assert response.context["found"] == 1
    assert "群众对创建工作的支持率高" in html and "农贸市场干净整洁" not in html


def test_the_criterion_page_shows_every_method_and_the_units(county, edition, task, login):
    criterion = task.criterion
    html = (
        login(county.handler_b)
        .get(reverse("framework:criterion_detail", args=[criterion.pk]))
        .content.decode()
    )
    assert "地面干净" in html and "农贸市场(专业市场)" in html
    # Town B sees the criterion but not a task it has no share in.
    assert "城关街道" not in html
    html = (
        login(county.office_admin)
        .get(reverse("framework:criterion_detail", args=[criterion.pk]))
        .content.decode()
    )
    assert "城关街道" in html and "县城管局" in html


def test_the_survey_criterion_shows_its_question_target_material_and_simulation(county, edition, login):
    criterion = edition.criteria.get(code="Ⅲ-2")
    html = (
        login(county.inspector)
        .get(reverse("framework:criterion_detail", args=[criterion.pk]))
        .content.decode()
    )
    for text in ("您是否支持创建文明城市？", "80%", "800", "拨打创建热线", "＞80% → 100%"):
        assert text in html


def _with_checks(criterion, data: dict, deduction: str = "1.00") -> dict:
    items = CheckItem.objects.filter(requirement__criterion=criterion).order_by(
        "requirement__sort_order", "sort_order"
    )
    data.update({"form-TOTAL_FORMS": str(len(items)), "form-INITIAL_FORMS": str(len(items))})
    for index, item in enumerate(items):
        data.update(
            {
                f"form-{index}-id": item.pk,
                f"form-{index}-text": item.text,
                f"form-{index}-deduction": deduction,
            }
        )
    return data


def test_only_office_admins_edit_a_criterion_and_its_deductions(county, edition, login):
    criterion = edition.criteria.get(code="Ⅲ-1")
    url = reverse("framework:criterion_edit", args=[criterion.pk])
    data = {
        "code": "Ⅲ-1",
        "text": "新文本",
        "points": "6",
        "rule_kind": "pass_fail",
        "rule": "{}",
        "note": "",
    }
    data = _with_checks(criterion, data, "1.5")
    assert login(county.inspector).post(url, data).status_code == 403
    criterion.refresh_from_db()
    assert criterion.points == 5
    assert set(criterion.requirements.values_list("check_items__deduction", flat=True)) == {1, 0.5, 2}
    assert login(county.office_admin).post(url, data).status_code == 302
    criterion.refresh_from_db()
    assert (criterion.points, criterion.rule_kind) == (6, "pass_fail")
    assert set(criterion.requirements.values_list("check_items__deduction", flat=True)) == {1.5}


def test_a_bad_rule_is_refused_and_the_form_keeps_the_input(county, edition, login):
    criterion = edition.criteria.get(code="Ⅲ-1")
    url = reverse("framework:criterion_edit", args=[criterion.pk])
    data = {"code": "Ⅲ-1", "text": "新文本", "points": "6", "rule_kind": "bonus", "rule": '{"per_item": "1"}'}
    data = _with_checks(criterion, data)
    response = login(county.office_admin).post(url, data)
    assert response.status_code == 200
    assert "“cap” must be a number." in response.content.decode()
    criterion.refresh_from_db()
    assert criterion.rule_kind == "deduction"


def test_site_types_list_their_checklists(county, edition, login):
    client = login(county.handler_a)
    market = edition.criteria.get(code="Ⅲ-1").requirements.first().site_types.get()
    assert "地面干净" in client.get(reverse("framework:site_type_detail", args=[market.pk])).content.decode()
    assert client.get(reverse("framework:site_type_list")).status_code == 200
    assert (
        client.post(
            reverse("framework:site_type_edit", args=[market.pk]), {"code": "17", "name": "x"}
        ).status_code
        == 403
    )


def test_the_api_lists_editions_and_the_persons_task_units(county, task, login):
    client = login(county.handler_a)
    assert [e["name"] for e in client.get("/api/v1/framework/editions").json()] == ["测试版"]
    assert [t["unit_id"] for t in client.get("/api/v1/framework/my-tasks").json()] == [county.town_a.pk]
    assert login(county.handler_b).get("/api/v1/framework/my-tasks").json() == []
    body = client.get(f"/api/v1/framework/criteria/{task.criterion_id}").json()
    assert [r["kind"] for r in body["requirements"]] == ["field", "field"]


def test_the_full_tree_keeps_empty_nodes_and_a_search_drops_them(county, edition, login):
    EditionBuilder(edition, order=100).node([("Ⅰ-2", "空项目")])
    client = login(county.handler_a)
    roots = client.get(reverse("framework:edition_tree", args=[edition.pk])).context["roots"]
    assert [r.node.code for r in roots] == ["Ⅰ-1", "Ⅰ-2"]
    roots = client.get(reverse("framework:edition_tree", args=[edition.pk]), {"q": "农贸"}).context["roots"]
    assert [r.node.code for r in roots] == ["Ⅰ-1"]
    assert [c.node.code for c in roots[0].children[0].children] == ["Ⅲ-1"]
