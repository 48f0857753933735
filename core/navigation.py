"""The navigation registry: each app declares its menu entries in `<app>/menu.py`, and who sees them.

The bar holds entries and menus (groups of entries), sorted together by `order`; inside a menu its entries sort by
their own `order`. A menu nobody may open any entry of is left out. An app registers the menus it owns; other apps
add entries to them by the menu's key. The numbers leave room between neighbours:

    bar:   0 home · 10–20 the person's own work · 30 cases · 40 framework · 50 inspections · 60 surveys
           · 70 scores · 80 organisation
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

# The signed-in person (settings.AUTH_USER_MODEL): the ground does not know the model, only that it is asked.
Visible = Callable[[Any], bool]


def everyone(person: Any) -> bool:
    return True


@dataclass(frozen=True)
class Entry:
    """One link: `label` a lazy translation, `url_name` what `reverse()` takes, `icon` a Bootstrap icon class."""

    label: str | Promise
    url_name: str
    icon: str
    group: str = ""  # the key of the menu it sits in; "" for the bar itself
    order: int = 0
    visible: Visible = everyone


@dataclass(frozen=True)
class Group:
    """A menu in the bar, with its own label and icon."""

    key: str
    label: str | Promise
    icon: str
    order: int = 0


@dataclass(frozen=True)
class Menu:
    """A menu as one person sees it: the group and the entries they may open, in order."""

    group: Group
    entries: list[Entry] = field(default_factory=list)


class Registry:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.groups: dict[str, Group] = {}

    def add(self, *items: Entry | Group) -> None:
        for item in items:
            if isinstance(item, Group):
                if item.key in self.groups:
                    raise ValueError(f"menu {item.key!r} is registered twice")
                self.groups[item.key] = item
            else:
                self.entries.append(item)

    def bar(self, person: Any) -> list[Entry | Menu]:
        """What `person` sees in the bar, in order."""
        visible = sorted(
            (entry for entry in self.entries if entry.visible(person)), key=lambda e: (e.order, e.url_name)
        )
        menus = {key: Menu(group) for key, group in self.groups.items()}
        items: list[Entry | Menu] = []
        for entry in visible:
            if not entry.group:
                items.append(entry)
            elif entry.group in menus:
                menus[entry.group].entries.append(entry)
            else:
                raise LookupError(f"{entry.url_name} names menu {entry.group!r}, which no app registers")
        items.extend(menu for menu in menus.values() if menu.entries)
        return sorted(items, key=lambda item: item.group.order if isinstance(item, Menu) else item.order)


registry = Registry()


def register(*items: Entry | Group) -> None:
    """Called by each app's `menu.py` when the shell discovers it."""
    registry.add(*items)
