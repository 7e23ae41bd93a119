"""The Activity tab: a model's audit trail for its admins (issue 6)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from models_app.audit.models import AuditAction, AuditEvent


def activity_url(model):
    return f"/models/{model.uuid}/activity/"


def rows(response):
    return response.content.decode().count('data-testid="activity-row"')


def test_owner_sees_events_newest_first(client_for, owner, model, audit_event_factory):
    now = timezone.now()
    audit_event_factory(model=model, action=AuditAction.MODEL_CREATED, created_at=now)
    audit_event_factory(
        model=model, action=AuditAction.MODEL_EDITED, created_at=now + timedelta(minutes=1)
    )
    html = client_for(owner).get(activity_url(model)).content.decode()
    assert html.index("Model edited") < html.index("Model created")


def test_a_row_shows_who_from_where_and_the_details(client_for, owner, model, audit_event_factory):
    audit_event_factory(
        model=model,
        action=AuditAction.ROLE_CHANGED,
        actor_email="owner@acme.test",
        address="203.0.113.7",
        details={"email": "bob@acme.test", "role": "editor"},
    )
    html = client_for(owner).get(activity_url(model)).content.decode()
    for text in ("owner@acme.test", "203.0.113.7", "Role changed", "bob@acme.test", "Editor"):
        assert text in html


def test_only_this_models_events_are_listed(client_for, owner, model, audit_event_factory):
    audit_event_factory(model=model)
    audit_event_factory(model_title="another", model_ref="00000000-0000-0000-0000-000000000001")
    assert rows(client_for(owner).get(activity_url(model))) == 1


def test_a_shared_admin_sees_the_activity(client_for, admin_member, model, audit_event_factory):
    audit_event_factory(model=model)
    response = client_for(admin_member).get(activity_url(model))
    assert response.status_code == 200
    assert rows(response) == 1


@pytest.mark.parametrize("person", ["editor", "viewer"])
def test_editors_and_viewers_are_refused(client_for, request, model, person):
    user = request.getfixturevalue(person)
    assert client_for(user).get(activity_url(model)).status_code == 403


@pytest.mark.parametrize("person", ["stranger", "outsider"])
def test_people_without_access_get_404(client_for, request, model, person):
    user = request.getfixturevalue(person)
    assert client_for(user).get(activity_url(model)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, model):
    response = client.get(activity_url(model))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_post_is_not_allowed(client_for, owner, model):
    assert client_for(owner).post(activity_url(model)).status_code == 405


def test_events_are_paginated(client_for, owner, model, audit_event_factory):
    audit_event_factory.create_batch(30, model=model)
    client = client_for(owner)
    assert rows(client.get(activity_url(model))) == 25
    second = client.get(activity_url(model) + "?page=2")
    assert rows(second) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_activity_page_queries_do_not_grow_with_events(
    client_for, owner, model, audit_event_factory, django_assert_max_num_queries
):
    audit_event_factory.create_batch(25, model=model)
    client = client_for(owner)
    with django_assert_max_num_queries(12):
        client.get(activity_url(model))


def test_no_events_says_so(client_for, owner, model):
    assert (
        "Nothing has been recorded" in client_for(owner).get(activity_url(model)).content.decode()
    )


def test_the_tab_is_shown_to_admins(client_for, owner, model):
    html = client_for(owner).get(model.get_absolute_url()).content.decode()
    assert f'href="{activity_url(model)}"' in html


def test_the_tab_is_hidden_from_editors(client_for, editor, model):
    html = client_for(editor).get(model.get_absolute_url()).content.decode()
    assert activity_url(model) not in html


def test_events_outlive_the_model(owner, model, audit_event_factory):
    event = audit_event_factory(model=model, action=AuditAction.MODEL_CREATED)
    ref = model.uuid
    model.delete()
    event.refresh_from_db()
    assert event.model is None
    assert (event.model_ref, event.model_title) == (ref, "pipeline-demo-0412")


def test_size_details_are_shown_in_human_units(audit_event_factory):
    event = audit_event_factory(details={"path": "weights.bin", "size": 3 * 1024**3})
    assert ("size", "3.0\xa0GB") in event.detail_items()


def test_an_event_without_actor_is_shown_as_the_system(client_for, owner, model):
    AuditEvent.objects.create(action=AuditAction.MODEL_CREATED, model=model, model_ref=model.uuid)
    assert "system" in client_for(owner).get(activity_url(model)).content.decode()


def test_roles_and_flags_in_details_are_shown_as_words(audit_event_factory):
    event = audit_event_factory(details={"role": "editor", "previous": "viewer", "pending": False})
    assert dict(event.detail_items()) == {
        "role": "Editor",
        "previous role": "Viewer",
        "pending invitation": "no",
    }
