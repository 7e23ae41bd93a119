from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from models_app.api.models import AccessToken
from models_app.api.services import token_digest


def run(*args) -> list[str]:
    out = StringIO()
    call_command("create_token", *args, stdout=out)
    return out.getvalue().splitlines()


def test_prints_the_token_alone_on_the_last_line(owner):
    lines = run("--email", owner.email.upper(), "--name", "deploy", "--scope", "write")
    secret = lines[-1]
    assert secret.startswith("mh_") and " " not in secret
    token = AccessToken.objects.get(user=owner)
    assert token.secret_hash == token_digest(secret)
    assert token.scope == "write"
    assert token.expires_at is None


def test_read_scope_and_expiry(owner):
    run("--email", owner.email, "--name", "pull", "--expires-days", "365")
    token = AccessToken.objects.get(user=owner)
    assert token.scope == "read"
    assert (token.expires_at - token.created_at).days == 365


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--email", "nobody@acme.test", "--name", "x"), "No active user"),
        (("--email", "owner@acme.test", "--name", "x", "--scope", "admin"), "not a scope"),
        (("--email", "owner@acme.test", "--name", "x", "--expires-days", "7"), "30, 90 or 365"),
    ],
)
def test_bad_arguments(owner, args, message):
    assert owner.email == "owner@acme.test"
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not AccessToken.objects.exists()
