"""Screenshots of the screens a closing note shows, in Chinese, from a running demo (Debian's Chromium).

    DEBUG=0 DATABASE_URL=sqlite:////tmp/shots.sqlite3 .venv/bin/chuangwen demo --force
    ... start the app on 127.0.0.1:8011 (gunicorn, with collected static files) ...
    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8011 --out docs/screenshots [name ...]

Each shot is a function that signs in as a demo login, opens its page at a phone (390×844) or desktop (1920×1080)
size and leaves the page as a person would look at it (a picker opened and searched, an error page reached). The
script fails when a page answers other than expected, so a shot never shows the wrong page.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

PASSWORD = "Demo@2026"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1920, "height": 1080}


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def expect_status(page: Page, url: str, status: int) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, (
        f"{url}: {response and response.status} != {status}"
    )


def error_404_tracking_code(page: Page, base: str) -> None:
    expect_status(page, f"{base}/track/NOPE1234/", 404)


def error_404(page: Page, base: str) -> None:
    expect_status(page, f"{base}/no-such-page/", 404)


def error_403(page: Page, base: str) -> None:
    sign_in(page, base, "c0101")  # a community's clerk opening the command centre's screen
    expect_status(page, f"{base}/screen/", 403)


def error_400(page: Page, base: str) -> None:
    # A browser cannot send a bad request on purpose; an unknown Host header is one (Django answers 400). Fetch it,
    # then show the answer as the page, on the site's own origin so its style sheets load.
    answer = page.context.request.get(f"{base}/report/", headers={"Host": "unknown.example"})
    assert answer.status == 400, answer.status
    page.goto(f"{base}/healthz")
    page.set_content(answer.text())


def error_csrf(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.context.clear_cookies()  # the form's token no longer matches any cookie, as after a long pause
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_response(lambda r: r.url.endswith("/login/") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="登录").click()
    assert answer.value.status == 403


def unit_picker(page: Page, base: str) -> None:
    sign_in(page, base, "admin")
    page.goto(f"{base}/cases/?state=accepted")
    page.locator("a:visible").filter(has_text=re.compile(r"\d{4}-\d{6}")).first.click()
    page.locator(".ts-wrapper").get_by_role(
        "combobox", name="责任单位"
    ).click()  # the tree, before any search
    expect(page.locator(".ts-dropdown .option").first).to_be_visible()


def category_picker(page: Page, base: str) -> None:
    sign_in(page, base, "admin")
    page.goto(f"{base}/cases/new/")
    box = page.locator(".ts-wrapper").get_by_role("combobox", name="问题类别")
    box.click()
    box.press_sequentially("垃圾")
    expect(page.locator(".ts-dropdown .option").first).to_be_visible()


def survey_form(page: Page, base: str) -> None:
    sign_in(page, base, "surveyor1")
    page.locator("a[href*='/fill/']").first.click()
    expect(page.get_by_text("调查方式").first).to_be_visible()


SHOTS: dict[str, tuple[ViewportSize, Callable[[Page, str], None]]] = {
    "error-404-tracking-phone": (PHONE, error_404_tracking_code),
    "error-404-phone": (PHONE, error_404),
    "error-403-phone": (PHONE, error_403),
    "error-400-phone": (PHONE, error_400),
    "error-csrf-phone": (PHONE, error_csrf),
    "unit-picker-desktop": (DESKTOP, unit_picker),
    "unit-picker-phone": (PHONE, unit_picker),
    "category-picker-desktop": (DESKTOP, category_picker),
    "category-picker-phone": (PHONE, category_picker),
    "survey-form-phone": (PHONE, survey_form),
}


def shoot(browser: Browser, base: str, out: Path, name: str) -> None:
    viewport, steps = SHOTS[name]
    context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
    try:
        page = context.new_page()
        steps(page, base)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / f"{name}.png"), full_page=viewport is PHONE)
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8011")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("names", nargs="*", choices=[*SHOTS, []], metavar="name")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--lang=zh-CN"]
        )  # the browser's own words (file inputs) in Chinese
        try:
            for name in arguments.names or SHOTS:
                shoot(browser, arguments.base.rstrip("/"), arguments.out, name)
                print(arguments.out / f"{name}.png")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
