"""In Chromium, on the demo county, at the three display sizes of issue 18: no text of the 大屏 is cut or drawn over
another. Each chart's labels are read from its own ECharts scene (every text element's box in the chart's
coordinates): each must lie inside its chart and clear of the others; each text of the page's own boxes (figure
tiles, panel titles, the header, the ticker) must fit its box. The check is shown to catch a label pushed out of
its chart. A screenshot per size goes to the documentation's folder under `make screenshots` (a throw-away one otherwise).
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from playwright.sync_api import Page, expect

from dashboard import actions
from dashboard.models import Screen, every_panel
from demo.county import DEMO_PASSWORD
from org.models import Person

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1366, 768), (3840, 2160)]
# The charts of the first turn (four slots beside the map); the fifth, the trend, rotates into the first slot.
FIRST_TURN = ["ranking", "overdue", "categories", "surveys"]
ROTATION_SECONDS = 6

# Every visible text of every chart on the page, from the chart's scene graph (canvas text is not in the DOM): its
# box in the chart's own pixels (zrender's global transform applied), checked against the chart's size and against
# the chart's other texts. A truncated name ("违章张贴悬…") fits: ECharts shortened it to its box.
CHART_TEXTS = """() => {
  const problems = [];
  const seen = {};
  for (const element of document.querySelectorAll("[_echarts_instance_]")) {
    const chart = echarts.getInstanceByDom(element);
    if (!chart || element.hidden) continue;
    const key = element.closest("[data-panel]")?.dataset.panel || element.id;
    const width = chart.getWidth(), height = chart.getHeight();
    const texts = chart.getZr().storage.getDisplayList(true)
      .filter((el) => el.type === "tspan" && !el.invisible && String(el.style.text ?? "").trim()
        && (el.style.opacity ?? 1) > 0)
      .map((el) => {
        const box = el.getBoundingRect().clone();
        if (el.transform) box.applyTransform(el.transform);
        return { text: String(el.style.text), x: box.x, y: box.y, w: box.width, h: box.height };
      });
    seen[key] = texts.map((t) => t.text);
    for (const t of texts) {
      if (t.x < -0.5 || t.y < -0.5 || t.x + t.w > width + 0.5 || t.y + t.h > height + 0.5)
        problems.push(`${key}: "${t.text}" at ${t.x.toFixed(1)},${t.y.toFixed(1)} ${t.w.toFixed(1)}×${t.h.toFixed(1)}`
          + ` outside the chart's ${width}×${height}`);
    }
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i], b = texts[j];
      const across = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const down = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (across > 1 && down > 1) problems.push(`${key}: "${a.text}" and "${b.text}" overlap`);
    }
  }
  return { problems, seen };
}"""

# The page's own texts: each fits its box (a wrapped or cut text scrolls inside it), and sits inside its panel; a
# panel's title runs clear of the pager or legend in its corner; the ticker's items keep to one line in its strip.
DOM_TEXTS = """() => {
  const problems = [];
  const shown = (el) => el.getClientRects().length > 0 && !el.closest("[hidden]");
  const name = (el) => `${el.className || el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}"`;
  const inside = (r, box) => r.left >= box.left - 0.5 && r.top >= box.top - 0.5 && r.right <= box.right + 0.5
    && r.bottom <= box.bottom + 0.5;
  const text = (el) => { const range = document.createRange(); range.selectNodeContents(el); return range.getBoundingClientRect(); };
  const apart = (a, b) => a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
  const selectors = ".figure, .figure .label, .figure .value, .panel-title, .empty, .brand .county, .brand .title,"
    + " .clock, .status > div, .tools .tool, .ticker-label, .legend";
  for (const el of document.querySelectorAll(selectors)) {
    if (!shown(el)) continue;
    // Wider than its box: cut (an ellipsis) or spilling sideways. Taller only counts where the box clips: a
    // line's glyphs may stand a little above and below a tight line height without being cut.
    const clips = getComputedStyle(el).overflowY !== "visible";
    if (el.scrollWidth > el.clientWidth + 1 || (clips && el.scrollHeight > el.clientHeight + 1))
      problems.push(`${name(el)}: ${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight}`);
    // The text itself (its glyph boxes) inside the tile, panel or strip that holds it; the header's inside the
    // stage (the header draws no box of its own but the line under it, which its two-line title stays above).
    const box = el.parentElement.closest(".figure, .panel, .ticker, .stage");
    if (box && !inside(text(el), box.getBoundingClientRect()))
      problems.push(`${name(el)}: outside its ${box.className}`);
  }
  for (const panel of document.querySelectorAll(".panel")) {
    const title = panel.querySelector(".panel-title");
    if (!title || !shown(title) || !title.textContent.trim()) continue;
    const words = text(title);
    for (const corner of panel.querySelectorAll(".pager, .legend"))
      if (!apart(words, corner.getBoundingClientRect())) problems.push(`${name(title)} runs under its ${corner.className}`);
  }
  const strip = document.querySelector(".ticker-window");
  if (strip) {
    const box = strip.getBoundingClientRect();
    for (const item of document.querySelectorAll(".ticker-track > span")) {
      const r = item.getBoundingClientRect();
      if (item.getClientRects().length > 1 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
        problems.push(`ticker ${name(item)}: not on one line inside the strip`);
    }
  }
  return problems;
}"""

# A category name far wider than its chart with the truncation turned off: what a clipped label looks like.
PUSH_OUT = """() => {
  const chart = echarts.getInstanceByDom(document.querySelector("[data-panel=categories] [_echarts_instance_]"));
  const labels = chart.getOption().yAxis[0].data.slice();
  labels[labels.length - 1] = labels[labels.length - 1].repeat(12);
  chart.setOption({ animation: false, yAxis: { data: labels, axisLabel: { overflow: "none" } } });
  return labels[labels.length - 1];
}"""


@pytest.fixture
def demo_screen(live_server) -> Screen:
    """The demo county (its towns, cases, scores and surveys: the names and spreads a real screen shows), and a
    screen of every panel whose charts rotate quickly."""
    with override_settings(DEBUG=True):  # the demo loads its shared-password accounts only for development
        call_command("demo", stdout=StringIO())
    return actions.save_screen(
        Person.objects.get(username="admin"),
        Screen(),
        name="指挥部",
        town=None,
        rotation_seconds=ROTATION_SECONDS,
        panels=every_panel(),
    )


def settled(page: Page, keys: list[str]) -> None:
    """Every named chart shown, drawn with its data and done animating."""
    for key in keys:
        expect(page.locator(f"[data-panel={key}] canvas")).to_have_count(
            1, timeout=(ROTATION_SECONDS + 5) * 1000
        )
    page.wait_for_timeout(1200)  # the charts animate for 600 ms


def check(page: Page, size: str, keys: list[str]) -> None:
    charts = page.evaluate(CHART_TEXTS)
    for key in keys:
        assert len(charts["seen"].get(key, [])) >= 3, (size, key, charts["seen"])  # labels were read
    assert charts["problems"] == [], size
    assert page.evaluate(DOM_TEXTS) == [], size


def test_no_text_on_the_screen_is_cut_or_overlapping_at_any_size(
    live_server, demo_screen, page: Page, doc_screenshots: Path
):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    for width, height in SIZES:
        size = f"{width}x{height}"
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/screen/{demo_screen.pk}/")
        expect(page.locator("[data-figure=overdue] .value")).not_to_have_text("—")
        expect(page.locator(".ticker-track > span").first).to_be_attached()
        # Each turn is checked just after the rotation brings it in, so no rotation lands mid-check.
        settled(page, ["trend"])
        check(page, size, ["trend"])
        settled(page, FIRST_TURN)
        check(page, size, FIRST_TURN)
        page.screenshot(path=str(doc_screenshots / f"screen-{size}.png"))

    long_name = page.evaluate(PUSH_OUT)
    page.wait_for_timeout(300)
    problems = page.evaluate(CHART_TEXTS)["problems"]
    assert any(p.startswith(f'categories: "{long_name}"') and "outside" in p for p in problems), problems
