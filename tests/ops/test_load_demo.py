from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from models_app.accounts.models import Tenant, User
from models_app.audit.models import AuditEvent
from models_app.catalog.models import AIModel
from models_app.sharing.models import Role, Share
from models_app.tags.models import Tag


def load_demo(*args) -> str:
    out = StringIO()
    # The models that really run are tested in tests/deployments/test_demo.py.
    call_command("load_demo", "--without-running-models", *args, stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Tenant, User, AIModel, Share, Tag, AuditEvent)
    }


def test_creates_a_tenant_three_users_six_models_and_their_shares(db):
    output = load_demo()
    created = counts()
    del created["Tag"]
    # Audited like a user's actions: 6 models, 6 shares, 7 versions and their 28 files.
    assert created == {"Tenant": 1, "User": 3, "AIModel": 6, "Share": 6, "AuditEvent": 47}
    assert Tag.objects.filter(name="PyTorch").exists()
    assert "alice@acme.test" in output
    assert "'modelhub-demo'" in output


def test_running_twice_creates_nothing_more(db):
    load_demo()
    before = counts()
    output = load_demo()
    assert counts() == before
    assert "0 users, 0 models, 0 shares and 0 versions created (15 already there)" in output


def test_bob_views_and_carol_edits_some_of_alices_models(db):
    load_demo()
    roles = {(s.user.email, s.role) for s in Share.objects.select_related("user")}
    assert roles == {("bob@acme.test", Role.VIEWER), ("carol@acme.test", Role.EDITOR)}
    assert set(AIModel.objects.values_list("owner__email", flat=True)) == {"alice@acme.test"}
    assert AIModel.objects.filter(title="医療画像分類モデル").exists()


def test_demo_users_can_sign_in_with_the_printed_password(client, db):
    load_demo()
    response = client.post(
        "/accounts/login/", {"username": "carol@acme.test", "password": "modelhub-demo"}
    )
    assert response.status_code == 302


def test_an_existing_demo_user_keeps_their_password(db):
    User.objects.create_user("bob@acme.test", "my-own-password")
    load_demo()
    assert User.objects.get(email="bob@acme.test").check_password("my-own-password")


def test_a_weak_password_is_refused_and_nothing_is_created(db):
    with pytest.raises(CommandError, match="Password rejected"):
        load_demo("--password", "123")
    assert counts()["User"] == 0


def test_every_demo_model_has_a_version_with_real_files(db):
    from models_app.versions.models import VersionFile

    load_demo()
    for model in AIModel.objects.all():
        latest = model.versions.order_by("-created_at").first()
        assert latest is not None
        paths = set(latest.files.values_list("path", flat=True))
        assert {"config.json", "artifacts/model.safetensors"} <= paths
        assert model.storage_bytes == sum(
            VersionFile.objects.filter(version__model=model).values_list("size_bytes", flat=True)
        )


def test_a_demo_domain_owned_by_another_tenant_stops_with_what_clashes(db):
    from models_app.accounts.services import tenant_create

    tenant_create("Acme Corp", ["acme.test"])
    before = counts()
    for _ in range(2):  # and again: still a clear stop, still nothing written
        # A CommandError: manage.py prints its message, without a traceback, and exits 1.
        with pytest.raises(CommandError) as stopped:
            load_demo()
        assert counts() == before
    message = str(stopped.value)
    assert "The e-mail domain acme.test belongs to the tenant “Acme Corp”" in message
    assert "Nothing was loaded." in message
    assert "IntegrityError" not in message


def test_the_rule_names_the_clash_only_when_there_is_one(db):
    from modelhub.management.commands.load_demo import demo_tenant_problem
    from models_app.accounts.services import tenant_create

    assert demo_tenant_problem() is None
    other = tenant_create("Acme Corp", ["acme.test"])
    assert "“Acme Corp”" in demo_tenant_problem()
    other.name = "Acme AI"  # renamed as the message suggests: the demo loads into it
    other.save()
    assert demo_tenant_problem() is None


def test_a_tenant_renamed_to_the_demo_tenant_takes_the_demo_twice(db):
    from models_app.accounts.services import tenant_create

    tenant_create("Acme AI", ["acme.test"])
    load_demo()
    before = counts()
    assert before["Tenant"] == 1 and before["User"] == 3
    load_demo()
    assert counts() == before
