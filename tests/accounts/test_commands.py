import io

import pytest
from django.core.management import CommandError, call_command

from models_app.accounts.models import Tenant, User


def test_create_tenant_with_domains(db):
    call_command("create_tenant", "Acme", "--domain", "acme.test", "--domain", "ACME.example")
    tenant = Tenant.objects.get(name="Acme")
    assert sorted(d.domain for d in tenant.domains.all()) == ["acme.example", "acme.test"]


def test_create_tenant_twice_is_an_error(db):
    call_command("create_tenant", "Acme")
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_tenant", "Acme")


def test_create_tenant_with_a_bad_domain_is_an_error(db):
    with pytest.raises(CommandError, match="not a valid domain"):
        call_command("create_tenant", "Acme", "--domain", "not a domain")


def test_create_user_joins_the_tenant_of_its_domain(db):
    call_command("create_tenant", "Acme", "--domain", "acme.test")
    call_command("create_user", "--email", "New@Acme.test", "--password", "long-enough-pw")
    user = User.objects.get(email="new@acme.test")
    assert user.tenant.name == "Acme"
    assert user.check_password("long-enough-pw")


def test_create_user_in_a_named_tenant_as_superuser(db):
    call_command("create_tenant", "Ops")
    call_command(
        "create_user",
        "--email",
        "root@x.test",
        "--password",
        "long-enough-pw",
        "--tenant",
        "Ops",
        "--superuser",
    )
    user = User.objects.get(email="root@x.test")
    assert user.is_superuser and user.tenant.name == "Ops"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--email", "not-an-email", "--password", "long-enough-pw"], "not a valid e-mail"),
        (["--email", "a@b.test", "--password", "long-enough-pw", "--tenant", "Nope"], "no tenant"),
        (["--email", "a@b.test", "--password", "123"], "Password rejected"),
    ],
)
def test_create_user_bad_input_is_an_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_user", *args)
    assert not User.objects.exists()


def test_create_user_twice_is_an_error(db):
    call_command("create_user", "--email", "a@b.test", "--password", "long-enough-pw")
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_user", "--email", "A@b.test", "--password", "long-enough-pw")


def test_create_user_reads_the_password_from_standard_input(db):
    call_command(
        "create_user",
        "--email",
        "a@b.test",
        "--password-stdin",
        stdin=io.StringIO("from-stdin-pw\n"),
    )
    assert User.objects.get(email="a@b.test").check_password("from-stdin-pw")


def test_create_user_asks_for_the_password_twice_in_a_terminal(db, monkeypatch):
    answers = iter(["typed-at-prompt", "typed-at-prompt"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    call_command("create_user", "--email", "a@b.test", stdin=Terminal())
    assert User.objects.get(email="a@b.test").check_password("typed-at-prompt")


def test_create_user_refuses_two_different_passwords_at_the_prompt(db, monkeypatch):
    answers = iter(["typed-at-prompt", "typo-at-prompt"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="The two passwords differ"):
        call_command("create_user", "--email", "a@b.test", stdin=Terminal())
    assert not User.objects.exists()


def test_create_user_without_a_password_or_a_terminal_says_how_to_give_one(db):
    with pytest.raises(CommandError, match="--password-stdin"):
        call_command("create_user", "--email", "a@b.test", stdin=io.StringIO(""))
    assert not User.objects.exists()


class Terminal(io.StringIO):
    """Standard input as a terminal, where the command may prompt."""

    def isatty(self):
        return True
