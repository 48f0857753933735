from __future__ import annotations

from django.urls import reverse

from org.models import Person, Role


def test_the_office_creates_an_account_with_a_temporary_password(county, login, client):
    response = login(county.office_admin).post(
        reverse("org:person_create"),
        {
            "username": "newclerk",
            "full_name": "新文员",
            "unit": county.town_a.pk,
            "role": Role.UNIT_HANDLER,
            "phone": "13600001111",
            "email": "",
        },
    )
    assert response.status_code == 200
    person, password = response.context["accounts"][0]
    assert person.must_change_password is True
    client.logout()
    client.post(reverse("login"), {"username": "newclerk", "password": password})
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_an_account_needs_a_unit(county, login):
    response = login(county.office_admin).post(
        reverse("org:person_create"),
        {"username": "nounit", "full_name": "无单位", "unit": "", "role": Role.UNIT_HANDLER},
    )
    assert "unit" in response.context["form"].errors
    assert not Person.objects.filter(username="nounit").exists()


def test_an_admin_cannot_disable_themselves(county, login):
    client = login(county.office_admin)
    response = client.post(
        reverse("org:person_edit", kwargs={"pk": county.office_admin.pk}),
        {"full_name": "admin", "unit": county.office.pk, "role": Role.OFFICE_ADMIN, "phone": "", "email": ""},
    )
    assert response.status_code == 403
    county.office_admin.refresh_from_db()
    assert county.office_admin.is_active


def test_a_reset_password_must_be_changed(county, login):
    response = login(county.office_admin).post(
        reverse("org:person_reset_password", kwargs={"pk": county.handler_a.pk})
    )
    assert response.status_code == 200
    county.handler_a.refresh_from_db()
    assert county.handler_a.must_change_password
    assert county.handler_a.check_password(response.context["accounts"][0][1])
