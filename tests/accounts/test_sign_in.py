from models_app.accounts.models import User


def test_sign_in_with_email_lands_on_the_list(client, owner, password):
    response = client.post(
        "/accounts/login/", {"username": "OWNER@acme.test", "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/models/"


def test_wrong_password_is_refused_with_a_message(client, owner):
    response = client.post("/accounts/login/", {"username": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert "not right" in response.content.decode()


def test_sign_out_is_a_post(client_for, owner):
    client = client_for(owner)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/models/").status_code == 302


def test_every_page_needs_sign_in(client, db):
    assert client.get("/models/")["Location"].startswith("/accounts/login/")


def test_emails_are_unique_case_insensitively(db):
    User.objects.create_user("a@acme.test", "pw-123456789")
    assert User.objects.get_by_natural_key("A@ACME.TEST").email == "a@acme.test"
