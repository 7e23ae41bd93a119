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
