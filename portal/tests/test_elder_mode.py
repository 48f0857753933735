"""Elder-friendly mode (适老化): a switch on the public pages, remembered on the device, never on staff pages."""

from __future__ import annotations

from portal.elder import COOKIE

ELDER_CLASS = 'class="cw-elder"'


def test_it_switches_on_for_this_device_and_goes_back(db, client):
    response = client.post("/elder-mode/", {"on": "1", "next": "/reports/?page=2"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/?page=2"
    assert response.cookies[COOKIE].value == "1"
    assert response.cookies[COOKIE]["max-age"] == 365 * 24 * 3600
    page = client.get("/report/").content.decode()
    assert ELDER_CLASS in page
    assert 'aria-pressed="true"' in page


def test_it_switches_off(db, client):
    client.post("/elder-mode/", {"on": "1", "next": "/report/"})
    response = client.post("/elder-mode/", {"on": "0", "next": "/report/"})
    assert response.cookies[COOKIE].value == ""
    page = client.get("/report/").content.decode()
    assert ELDER_CLASS not in page
    assert 'aria-pressed="false"' in page


def test_it_offers_the_switch_off_by_default(db, client):
    page = client.get("/report/").content.decode()
    assert 'data-testid="elder-mode"' in page
    assert ELDER_CLASS not in page


def test_it_never_sends_the_visitor_to_another_site(db, client):
    response = client.post("/elder-mode/", {"on": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/report/"


def test_it_is_switched_by_a_form_not_a_link(db, client):
    assert client.get("/elder-mode/?on=1").status_code == 405


def test_staff_pages_keep_their_layout(county, client):
    client.post("/elder-mode/", {"on": "1", "next": "/report/"})
    client.force_login(county.inspector)
    page = client.get("/").content.decode()
    assert ELDER_CLASS not in page
    assert 'data-testid="elder-mode"' not in page


def test_an_error_drawn_before_sign_in_is_known_still_honours_it(db, client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    client.cookies[COOKIE] = "1"
    response = client.get("/report/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert ELDER_CLASS in response.content.decode()
