"""The admin's user forms lowercase the address and keep it unique whatever its case."""

from models_app.accounts.forms import email_taken_problem
from models_app.accounts.models import User

ADD_URL = "/admin/accounts/user/add/"


def add_user(client, email):
    return client.post(
        ADD_URL,
        {
            "email": email,
            "password1": "a-long-new-password",
            "password2": "a-long-new-password",
            "usable_password": "true",
        },
    )


def change_user(client, user, email):
    return client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "email": email,
            "display_name": user.display_name,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )


def test_adding_an_address_taken_in_another_case_is_a_field_error(client_for, superuser, owner):
    response = add_user(client_for(superuser), "Owner@acme.test")
    assert response.status_code == 200
    assert "Another account already uses owner@acme.test." in response.content.decode()
    assert User.objects.filter(email__iexact="owner@acme.test").count() == 1


def test_adding_a_user_stores_the_address_lowercased(client_for, superuser):
    response = add_user(client_for(superuser), "  New@ACME.test ")
    assert response.status_code == 302
    assert User.objects.filter(email="new@acme.test").exists()


def test_changing_to_an_address_taken_in_another_case_is_a_field_error(
    client_for, superuser, owner, stranger
):
    response = change_user(client_for(superuser), stranger, "OWNER@acme.test")
    assert response.status_code == 200
    assert "Another account already uses owner@acme.test." in response.content.decode()
    stranger.refresh_from_db()
    assert stranger.email == "stranger@acme.test"


def test_changing_the_address_stores_it_lowercased(client_for, superuser, stranger):
    response = change_user(client_for(superuser), stranger, "Renamed@ACME.test")
    assert response.status_code == 302
    stranger.refresh_from_db()
    assert stranger.email == "renamed@acme.test"


def test_keeping_ones_own_address_in_another_case_is_allowed(owner):
    assert email_taken_problem("OWNER@acme.test", owner) is None
