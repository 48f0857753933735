"""How a signed-in person is read on each request: Django's ModelBackend, with the person's unit in the same query.

Nearly every page asks for the person's unit (scoping, the navbar's "who am I"): read lazily, it was one more query
on every page."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from org.models import Person


class PersonBackend(ModelBackend):
    def get_user(self, user_id: int) -> Person | None:
        person = Person.objects.select_related("unit").filter(pk=user_id).first()
        return person if person is not None and self.user_can_authenticate(person) else None
