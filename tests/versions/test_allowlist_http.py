"""The allowlist through the HTTP layer: every download route, many addresses (SPEC §8)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from models_app.audit.models import AuditAction, AuditEvent
from models_app.versions.models import VersionFile

from .conftest import upload_multipart


@pytest.fixture
def stored(client_for, owner, version):
    upload_multipart(client_for(owner), version, {"weights/model.bin": b"secret weights"})
    return version


def download_urls(version):
    ref = version.model.uuid
    return [
        reverse("versions:file", kwargs={"ref": ref, "name": "v1", "path": "weights/model.bin"}),
        reverse("versions:zip", kwargs={"ref": ref, "name": "v1"}),
        reverse("versions:model_download", kwargs={"ref": ref}),
        # The preview shows the file's content: the allowlist applies as to a download.
        reverse("versions:preview", kwargs={"ref": ref, "name": "v1", "path": "weights/model.bin"}),
    ]


TABLE = [
    # allowlist, client address, allowed?
    ("", "203.0.113.7", True),
    ("", "2001:db8::1", True),
    ("203.0.113.7", "203.0.113.7", True),
    ("203.0.113.7", "203.0.113.8", False),
    ("10.0.0.0/8", "10.255.255.255", True),
    ("10.0.0.0/8", "11.0.0.0", False),
    ("10.0.0.0/8", "9.255.255.255", False),
    ("192.168.1.0/24", "192.168.1.0", True),
    ("192.168.1.0/24", "192.168.1.255", True),
    ("192.168.1.0/24", "192.168.2.0", False),
    ("203.0.113.7/32", "203.0.113.7", True),
    ("0.0.0.0/0", "198.51.100.1", True),
    ("10.0.0.0/8, 192.168.0.0/16", "192.168.77.1", True),
    ("2001:db8::/32", "2001:db8:ffff::1", True),
    ("2001:db8::/32", "2001:db9::1", False),
    ("2001:db8::/32", "10.0.0.1", False),
    ("10.0.0.0/8", "2001:db8::1", False),
    ("10.0.0.0/8", "::ffff:10.1.2.3", True),
    ("::1", "::1", True),
    ("127.0.0.1", "::1", False),
]


@pytest.mark.parametrize(("allowlist", "address", "allowed"), TABLE)
def test_allowlist_table_on_every_download_route(
    stored, client_for, owner, allowlist, address, allowed
):
    model = stored.model
    model.ip_allowlist = allowlist
    model.save()
    client = client_for(owner)
    for url in download_urls(stored):
        response = client.get(url, REMOTE_ADDR=address)
        assert response.status_code == (200 if allowed else 403), url
        if not allowed:
            assert address in response.content.decode()
            assert not response.streaming


def test_refusal_streams_nothing_and_counts_nothing(stored, client_for, owner):
    stored.model.ip_allowlist = "10.0.0.0/8"
    stored.model.save()
    response = client_for(owner).get(download_urls(stored)[0], REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert b"secret weights" not in response.content
    assert VersionFile.objects.get().download_count == 0


def test_refusal_is_audited(stored, client_for, owner):
    stored.model.ip_allowlist = "10.0.0.0/8"
    stored.model.save()
    client_for(owner).get(download_urls(stored)[1], REMOTE_ADDR="203.0.113.9")
    event = AuditEvent.objects.get(action=AuditAction.DOWNLOAD_REFUSED)
    assert event.address == "203.0.113.9"
    assert event.model_ref == stored.model.uuid


def test_forged_forwarded_for_from_an_untrusted_peer_does_not_get_in(stored, client_for, owner):
    stored.model.ip_allowlist = "10.0.0.0/8"
    stored.model.save()
    for url in download_urls(stored):
        response = client_for(owner).get(
            url, REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.5"
        )
        assert response.status_code == 403
        assert "203.0.113.9" in response.content.decode()


@override_settings(TRUSTED_PROXIES=["127.0.0.0/8", "172.16.0.0/12"])
def test_trusted_proxy_chain_resolves_to_the_right_client(stored, client_for, owner):
    stored.model.ip_allowlist = "198.51.100.0/24"
    stored.model.save()
    client = client_for(owner)
    url = download_urls(stored)[0]
    # The client forged its own first hop; the right-most untrusted hop is its real address.
    chain = "10.0.0.1, 198.51.100.20, 172.16.0.9"
    assert client.get(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=chain).status_code == 200
    forged = "198.51.100.20, 203.0.113.66, 172.16.0.9"
    refused = client.get(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forged)
    assert refused.status_code == 403
    assert "203.0.113.66" in refused.content.decode()


@override_settings(TRUSTED_PROXIES=["127.0.0.0/8"])
def test_trusted_proxy_without_forwarded_for_is_the_client(stored, client_for, owner):
    stored.model.ip_allowlist = "198.51.100.0/24"
    stored.model.save()
    response = client_for(owner).get(download_urls(stored)[0], REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 403


def test_refusal_never_reveals_a_hidden_model(stored, client_for, outsider):
    stored.model.ip_allowlist = "10.0.0.0/8"
    stored.model.save()
    for url in download_urls(stored):
        assert client_for(outsider).get(url, REMOTE_ADDR="203.0.113.9").status_code == 404


def test_allowlist_does_not_guard_the_pages(stored, client_for, owner):
    stored.model.ip_allowlist = "10.0.0.0/8"
    stored.model.save()
    url = reverse("versions:detail", kwargs={"ref": stored.model.uuid, "name": "v1"})
    assert client_for(owner).get(url, REMOTE_ADDR="203.0.113.9").status_code == 200
