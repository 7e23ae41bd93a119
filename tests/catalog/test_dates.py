"""One date format per language everywhere, shown relative with the full date in a tooltip
(issue 11, point 10)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.catalog.dates import full_date, relative_time
from models_app.sharing.models import Invitation
from tests.factories import ShareFactory, UserFactory
from tests.versions.factories import VersionFactory

MOMENT = datetime(2026, 1, 5, 15, 4, tzinfo=UTC)
TIME = re.compile(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>')


def test_a_moment_is_relative_with_the_full_date_as_tooltip(settings):
    settings.TIME_ZONE = "UTC"
    with translation.override("en"):
        shown = relative_time(timezone.now() - timedelta(minutes=3))
        assert re.fullmatch(r'<time datetime="[^"]+" title="[^"]+">3\xa0minutes ago</time>', shown)
        assert full_date(MOMENT) == "Jan. 5, 2026, 3:04 p.m."
    with translation.override("ja"):
        assert "3分前" in relative_time(timezone.now() - timedelta(minutes=3))
        assert full_date(MOMENT) == "2026年1月5日15:04"


def test_the_full_date_is_in_the_configured_time_zone(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    with translation.override("en"):
        assert full_date(MOMENT) == "Jan. 6, 2026, 12:04 a.m."


def test_a_sentence_carries_the_relative_time():
    shown = relative_time(timezone.now() - timedelta(days=2), "updated %(when)s")
    assert TIME.fullmatch(shown).group(3) == "updated 2\xa0days ago"


# How Django's humanize words a moment past or ahead, in each language.
RELATIVE = {"en": re.compile(r"ago|from now|now"), "ja": re.compile(r"前|後|今")}


def times_in(html: str) -> list[tuple[str, str, str]]:
    return TIME.findall(html)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_page_shows_dates_the_same_way(client_for, owner, model, language):
    client = client_for(owner)
    client.cookies["django_language"] = language
    VersionFactory(model=model, number=1, name="v1")
    ShareFactory(model=model, user=UserFactory(email="reader@acme.test"))
    Invitation.objects.create(
        model=model,
        email="later@acme.test",
        role="viewer",
        invited_by=owner,
        token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=14),
    )
    audit_record(owner, AuditAction.VERSION_CREATED, model, version="v1")
    pages = {
        "detail": model.get_absolute_url(),
        "versions": f"/models/{model.uuid}/versions/",
        "version": f"/models/{model.uuid}/versions/v1/",
        "sharing": f"/models/{model.uuid}/sharing/",
        "activity": f"/models/{model.uuid}/activity/",
        "list": "/models/",
    }
    for name, url in pages.items():
        html = client.get(url, headers={"Accept-Language": language}).content.decode()
        times = times_in(html)
        assert times, f"no date on the {name} page"
        with translation.override(language):
            for moment, title, _ in times:
                assert title == full_date(datetime.fromisoformat(moment)), name
        relative = RELATIVE[language]
        assert all(relative.search(text) for _, _, text in times), (name, times)
