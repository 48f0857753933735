"""Helpers of the browser tests that any app's tests may use."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


def pick(scope: Page | Locator, label: str, text: str) -> None:
    """Choose in a searchable pick list (static/js/pickers.js) as a person does: type, see the match, Enter."""
    box = scope.locator(".ts-wrapper").get_by_role("combobox", name=label)  # the picker's, once it is set up
    wrapper = box.locator("xpath=ancestor::div[contains(@class, 'ts-wrapper')][1]")
    box.click()
    box.fill(text)
    expect(wrapper.locator(".ts-dropdown .option.active")).to_have_text(text)
    box.press("Enter")
