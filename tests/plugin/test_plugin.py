"""An app joins the model page and the card menu by declaring them, with no template edited
elsewhere (the stand-in app lives in this folder)."""

from pathlib import Path

import pytest
from django.urls import reverse

from .declarations import declare, undeclare

pytestmark = pytest.mark.urls("tests.plugin.root_urls")


@pytest.fixture(autouse=True)
def plugin(settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], Path(__file__).parent / "templates"],
        }
    ]
    declare()
    yield
    undeclare()


def notes_url(model):
    return reverse("notes:tab", kwargs={"ref": model.uuid})


def test_the_declared_tab_appears_on_the_model_page(client_for, owner, model):
    html = client_for(owner).get(model.get_absolute_url()).content.decode()
    tabs = html[html.index('class="tabs"') : html.index("</nav>", html.index('class="tabs"'))]
    assert f'href="{notes_url(model)}">Notes</a>' in tabs
    assert tabs.index(">Versions<") < tabs.index(">Notes<") < tabs.index(">Sharing<")


def test_the_declared_tab_opens_in_the_shell(client_for, viewer, model):
    response = client_for(viewer).get(notes_url(model))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="notes-panel"' in html
    assert f'<a href="{notes_url(model)}" aria-current="page">Notes</a>' in html


def test_the_declared_tab_hides_the_model_from_strangers(client_for, stranger, model):
    assert client_for(stranger).get(notes_url(model)).status_code == 404


def test_the_declared_operation_shows_for_those_who_may_use_it(client_for, owner, model):
    html = client_for(owner).get(model.get_absolute_url()).content.decode()
    assert f'href="{notes_url(model)}?evaluate=1" data-operation="evaluate">Evaluate</a>' in html


def test_the_declared_operation_is_absent_for_a_viewer(client_for, viewer, model):
    html = client_for(viewer).get(model.get_absolute_url()).content.decode()
    assert 'data-operation="evaluate"' not in html


def test_the_declared_menu_entry_appears_on_the_card(client_for, viewer, model):
    html = client_for(viewer).get(reverse("catalog:list")).content.decode()
    assert f'href="{notes_url(model)}" data-menu-entry="compare">Compare</a>' in html


def test_the_declared_card_section_shows_on_the_model_card_tab_in_order(client_for, owner, model):
    from tests.versions.conftest import upload_multipart
    from tests.versions.factories import VersionFactory

    version = VersionFactory(model=model, number=1, name="v1")
    upload_multipart(client_for(owner), version, {"config.json": b"{}"})
    html = client_for(owner).get(model.get_absolute_url()).content.decode()
    assert '<section data-testid="notes-summary">Notes on pipeline-demo-0412</section>' in html
    # order 5: before versions' "Use this model" (10), after the overview
    overview = html.index('class="overview rich-text"')
    assert overview < html.index("notes-summary") < html.index('data-testid="use-this-model"')


def test_the_declared_card_section_is_absent_for_a_viewer(client_for, viewer, model):
    html = client_for(viewer).get(model.get_absolute_url()).content.decode()
    assert "notes-summary" not in html


def test_undeclared_the_tab_is_gone(client_for, owner, model):
    undeclare()
    html = client_for(owner).get(model.get_absolute_url()).content.decode()
    assert ">Notes<" not in html
    assert 'data-menu-entry="compare"' not in html
    assert "notes-summary" not in html
