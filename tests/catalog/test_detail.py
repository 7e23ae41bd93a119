import pytest


def test_owner_sees_the_detail_page(client_for, owner, model):
    response = client_for(owner).get(model.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "pipeline-demo-0412" in html
    assert "Qwen2-72B-Instruct" in html
    assert "Olivia Owner" in html


@pytest.mark.parametrize("who", ["viewer", "editor", "admin_member", "superuser"])
def test_people_with_access_see_it(client_for, model, who, request):
    assert client_for(request.getfixturevalue(who)).get(model.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("who", ["stranger", "outsider"])
def test_people_without_access_get_404(client_for, model, who, request):
    assert client_for(request.getfixturevalue(who)).get(model.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, model):
    assert client.get(model.get_absolute_url()).status_code == 302


def test_viewer_sees_no_edit_button(client_for, viewer, model):
    assert "/edit/" not in client_for(viewer).get(model.get_absolute_url()).content.decode()


def test_unknown_reference_is_404(client_for, owner):
    assert client_for(owner).get("/models/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_avatar_is_served_to_people_who_see_the_model(client_for, owner, viewer, model):
    from django.core.files.base import ContentFile

    model.avatar.save("a.webp", ContentFile(b"RIFF....WEBP"), save=True)
    response = client_for(viewer).get(f"/models/{model.uuid}/avatar/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"RIFF....WEBP"


def test_avatar_is_404_for_people_who_do_not(client_for, outsider, model):
    from django.core.files.base import ContentFile

    model.avatar.save("a.webp", ContentFile(b"RIFF....WEBP"), save=True)
    assert client_for(outsider).get(f"/models/{model.uuid}/avatar/").status_code == 404


def test_model_without_avatar_has_no_avatar_url(client_for, owner, model):
    assert client_for(owner).get(f"/models/{model.uuid}/avatar/").status_code == 404


def test_admins_find_delete_on_the_detail_page(client_for, admin_member, model):
    html = client_for(admin_member).get(model.get_absolute_url()).content.decode()
    assert f'href="/models/{model.uuid}/delete/"' in html


def test_editors_find_no_delete_on_the_detail_page(client_for, editor, model):
    html = client_for(editor).get(model.get_absolute_url()).content.decode()
    assert f"/models/{model.uuid}/delete/" not in html


def test_the_header_card_shows_the_tags_read_with_its_counts(client_for, owner, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import TagFactory

    model.tags.add(TagFactory(category="framework", name="PyTorch"))
    with CaptureQueriesContext(connection) as queries:
        html = client_for(owner).get(model.get_absolute_url()).content.decode()
    # A tag is a link to the list filtered by it (issue 11, point 6).
    assert '<a class="tag tag-framework" href="/models/?framework=PyTorch">PyTorch</a>' in html
    tag_queries = [q["sql"] for q in queries.captured_queries if '"tags_tag"' in q["sql"]]
    assert len(tag_queries) == 1 and "versions_modelversion" in tag_queries[0]
