"""The navigation registry orders what apps register and leaves out what a person may not open."""

from __future__ import annotations

import pytest

from core.navigation import Entry, Group, Menu, Registry


def _admins_only(person: object) -> bool:
    return person == "admin"


@pytest.fixture
def registry() -> Registry:
    registry = Registry()
    registry.add(
        Group("b", "B menu", "bi-b", order=20),
        Entry("B2", "b2", "bi-b2", group="b", order=2),
        Entry("B1", "b1", "bi-b1", group="b", order=1),
        Entry("Top", "top", "bi-top", order=10),
        Group("c", "C menu", "bi-c", order=30),
        Entry("C1", "c1", "bi-c1", group="c", visible=_admins_only),
        Entry("Last", "last", "bi-last", order=40),
    )
    return registry


def _shape(items: list) -> list:
    return [
        (item.group.key, [e.url_name for e in item.entries]) if isinstance(item, Menu) else item.url_name
        for item in items
    ]


def test_links_and_menus_share_one_order(registry):
    assert _shape(registry.bar("admin")) == ["top", ("b", ["b1", "b2"]), ("c", ["c1"]), "last"]


def test_a_menu_with_nothing_the_person_may_open_is_left_out(registry):
    assert _shape(registry.bar("clerk")) == ["top", ("b", ["b1", "b2"]), "last"]


def test_an_entry_in_a_menu_nobody_registered_is_an_error(registry):
    registry.add(Entry("Lost", "lost", "bi-lost", group="nowhere"))
    with pytest.raises(LookupError, match="nowhere"):
        registry.bar("admin")


def test_a_menu_is_registered_once(registry):
    with pytest.raises(ValueError, match="'b'"):
        registry.add(Group("b", "Again", "bi-b"))
