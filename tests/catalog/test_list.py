import re

import pytest
from django.utils.cache import has_vary_header

from models_app.sharing.models import Role
from tests.factories import AIModelFactory, ShareFactory, TagFactory


@pytest.fixture(autouse=True, params=["by ids", "by the sort index"])
def page_reading(request, monkeypatch):
    """Every list behaviour holds whichever way listing._page_source reads the page."""
    if request.param == "by the sort index":
        monkeypatch.setattr("models_app.catalog.listing.FEW_MATCHES", 0)


def titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h2 class="model-title"><a href="[^"]+">([^<]+)</a>', html)


def test_cards_show_what_matters(client_for, owner, model, viewer, add_version):
    add_version(model, name="v1")
    add_version(model, name="v2")
    model.storage_bytes = 3 * 1024**3
    model.view_count = 7
    model.save()
    html = client_for(owner).get("/models/").content.decode()
    assert html.count('data-testid="model-card"') == 1
    assert "pipeline-demo-0412" in html
    assert "Qwen2-72B-Instruct" in html
    assert "2 versions" in html
    assert "3.0\xa0GB" in html
    assert "7 views" in html
    assert "2 people" in html


def test_the_list_shows_only_models_the_user_may_see(client_for, owner, stranger, model):
    AIModelFactory(owner=stranger, title="strangers-own")
    assert titles(client_for(owner).get("/models/")) == ["pipeline-demo-0412"]
    assert titles(client_for(stranger).get("/models/")) == ["strangers-own"]


def test_a_shared_model_is_listed_for_the_person_it_is_shared_with(client_for, model, viewer):
    assert titles(client_for(viewer).get("/models/")) == ["pipeline-demo-0412"]


@pytest.mark.parametrize(
    "query",
    ["PIPELINE", "demo-04", "intent classifier", "PyTorch", "pytorch", "Ｐｙｔｏｒｃｈ"],
)
def test_search_matches_title_description_and_tags_ignoring_case(client_for, owner, query):
    tag = TagFactory(category="framework", name="PyTorch")
    AIModelFactory(
        owner=owner, title="pipeline-demo-0412", description="An Intent Classifier.", tags=[tag]
    )
    AIModelFactory(owner=owner, title="other-model", description="Nothing alike.")
    assert titles(client_for(owner).get("/models/", {"q": query})) == ["pipeline-demo-0412"]


def test_search_finds_japanese_titles_by_a_substring(client_for, owner):
    AIModelFactory(owner=owner, title="医療画像分類モデル")
    AIModelFactory(owner=owner, title="金融QAモデル")
    assert titles(client_for(owner).get("/models/", {"q": "画像分類"})) == ["医療画像分類モデル"]


def test_search_folds_case_beyond_ascii(client_for, owner):
    AIModelFactory(owner=owner, title="ÜBERSETZER-model")
    assert titles(client_for(owner).get("/models/", {"q": "übersetzer"})) == ["ÜBERSETZER-model"]


def test_search_never_shows_a_model_the_user_may_not_see(client_for, owner, stranger):
    AIModelFactory(owner=owner, title="secret-findable")
    assert titles(client_for(stranger).get("/models/", {"q": "secret"})) == []


def test_search_treats_wildcards_literally(client_for, owner):
    AIModelFactory(owner=owner, title="plain-model")
    assert titles(client_for(owner).get("/models/", {"q": "%"})) == []


def test_a_renamed_model_is_found_by_its_new_title(client_for, owner, model):
    data = {
        "title": "renamed-classifier",
        "description": "",
        "base_model": "",
        "parameter_size": "",
        "ip_whitelist": "",
        "overview": "",
        "revision": model.revision,
    }
    client_for(owner).post(f"/models/{model.uuid}/edit/", data)
    assert titles(client_for(owner).get("/models/", {"q": "renamed"})) == ["renamed-classifier"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["alpha", "Beta", "gamma"]),
        ("-name", ["gamma", "Beta", "alpha"]),
        ("-storage", ["Beta", "gamma", "alpha"]),
        ("storage", ["alpha", "gamma", "Beta"]),
        ("-parameters", ["gamma", "alpha", "Beta"]),
        ("parameters", ["alpha", "gamma", "Beta"]),
    ],
)
def test_sort_orders_the_cards(client_for, owner, sort, expected):
    AIModelFactory(owner=owner, title="alpha", storage_bytes=1, parameter_count=10**9)
    AIModelFactory(owner=owner, title="Beta", storage_bytes=300, parameter_count=None)
    AIModelFactory(owner=owner, title="gamma", storage_bytes=20, parameter_count=7 * 10**9)
    assert titles(client_for(owner).get("/models/", {"sort": sort})) == expected


def test_default_sort_is_last_updated_first(client_for, owner):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    AIModelFactory(owner=owner, title="older", updated_at=now - timedelta(days=2))
    AIModelFactory(owner=owner, title="newer", updated_at=now)
    assert titles(client_for(owner).get("/models/")) == ["newer", "older"]


def test_created_sort_in_both_directions(client_for, owner):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    AIModelFactory(owner=owner, title="first", created_at=now - timedelta(days=2))
    AIModelFactory(owner=owner, title="second", created_at=now)
    client = client_for(owner)
    assert titles(client.get("/models/", {"sort": "created"})) == ["first", "second"]
    assert titles(client.get("/models/", {"sort": "-created"})) == ["second", "first"]


def test_tag_filter_matches_the_tag_of_that_category(client_for, owner):
    pytorch = TagFactory(category="framework", name="PyTorch")
    AIModelFactory(owner=owner, title="torchy", tags=[pytorch])
    AIModelFactory(owner=owner, title="plain")
    response = client_for(owner).get("/models/", {"framework": "pytorch"})
    assert titles(response) == ["torchy"]


def test_tag_filter_ignores_the_same_name_in_another_category(client_for, owner):
    other = TagFactory(category="other", name="PyTorch")
    AIModelFactory(owner=owner, title="mislabelled", tags=[other])
    assert titles(client_for(owner).get("/models/", {"framework": "PyTorch"})) == []


def test_base_model_filter(client_for, owner):
    AIModelFactory(owner=owner, title="qwen-based", base_model="Qwen2-72B-Instruct")
    AIModelFactory(owner=owner, title="llama-based", base_model="LLaMA")
    response = client_for(owner).get("/models/", {"base_model": "llama"})
    assert titles(response) == ["llama-based"]


def test_parameter_range_filter_reads_sizes_like_7b(client_for, owner):
    AIModelFactory(owner=owner, title="small", parameter_count=350 * 10**6)
    AIModelFactory(owner=owner, title="medium", parameter_count=7 * 10**9)
    AIModelFactory(owner=owner, title="large", parameter_count=70 * 10**9)
    response = client_for(owner).get("/models/", {"params_min": "1B", "params_max": "13b"})
    assert titles(response) == ["medium"]


def test_storage_range_filter_reads_human_sizes(client_for, owner):
    AIModelFactory(owner=owner, title="tiny", storage_bytes=10 * 1024)
    AIModelFactory(owner=owner, title="big", storage_bytes=5 * 1024**3)
    response = client_for(owner).get("/models/", {"storage_min": "1 GB"})
    assert titles(response) == ["big"]


def test_owner_filter_by_email(client_for, owner, stranger):
    mine = AIModelFactory(owner=owner, title="owned-by-olivia")
    theirs = AIModelFactory(owner=stranger, title="owned-by-stranger")
    ShareFactory(model=theirs, user=owner)
    response = client_for(owner).get("/models/", {"owner": "STRANGER@acme.test"})
    assert titles(response) == ["owned-by-stranger"]
    assert mine.title not in response.content.decode()


def test_mine_and_shared_with_me(client_for, owner, stranger):
    AIModelFactory(owner=owner, title="my-own")
    theirs = AIModelFactory(owner=stranger, title="lent-to-me")
    ShareFactory(model=theirs, user=owner, role=Role.EDITOR)
    client = client_for(owner)
    assert titles(client.get("/models/", {"scope": "mine"})) == ["my-own"]
    assert titles(client.get("/models/", {"scope": "shared"})) == ["lent-to-me"]


def test_version_status_filter(client_for, owner, add_version):
    deployed = AIModelFactory(owner=owner, title="in-production")
    add_version(deployed, status="created")
    add_version(deployed, status="deployed")
    add_version(AIModelFactory(owner=owner, title="still-training"), status="training")
    response = client_for(owner).get("/models/", {"status": "deployed"})
    assert titles(response) == ["in-production"]


@pytest.mark.parametrize("size", [4, 8, 12, 24, 48])
def test_page_size_sets_the_number_of_cards(client_for, owner, size):
    AIModelFactory.create_batch(50, owner=owner)
    response = client_for(owner).get("/models/", {"page_size": size})
    assert len(titles(response)) == size


def test_second_page_continues_the_first(client_for, owner):
    AIModelFactory.create_batch(10, owner=owner)
    client = client_for(owner)
    first = titles(client.get("/models/", {"page_size": 4, "sort": "name"}))
    second = titles(client.get("/models/", {"page_size": 4, "sort": "name", "page": 2}))
    assert first + second == sorted(first + second)
    assert len(set(first + second)) == 8


def test_pagination_links_keep_the_whole_state(client_for, owner):
    AIModelFactory.create_batch(6, owner=owner, description="findable")
    html = (
        client_for(owner)
        .get("/models/", {"q": "findable", "sort": "name", "page_size": 4})
        .content.decode()
    )
    assert 'href="?q=findable&amp;sort=name&amp;page_size=4&amp;page=2"' in html


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": "7"},
        {"page": "abc"},
        {"page": "999"},
        {"sort": "drop"},
        {"view": "<script>"},
        {"params_min": "lots"},
        {"storage_max": "-1"},
        {"status": "exploded"},
        {"scope": "everyone"},
        {"q": "x" * 5000},
        {"page": "-1", "page_size": "0"},
        {"page": "9" * 30},
    ],
)
def test_malformed_parameters_never_fail_the_page(client_for, owner, model, params):
    response = client_for(owner).get("/models/", params)
    assert response.status_code == 200
    assert titles(response) == ["pipeline-demo-0412"]


def test_a_malformed_filter_is_named_in_a_notice(client_for, owner, model):
    html = client_for(owner).get("/models/", {"params_min": "lots"}).content.decode()
    assert "“lots” is not a parameter size" in html


def test_an_empty_result_says_so_and_offers_to_clear_filters(client_for, owner, model):
    html = client_for(owner).get("/models/", {"q": "nothing-like-this", "sort": "name"}).content
    html = html.decode()
    assert "No models match your search and filters." in html
    assert 'data-testid="clear-filters"' in html
    assert 'href="?sort=name"' in html


def test_someone_with_no_models_is_invited_to_create_one(client_for, stranger):
    assert "Create the first one" in client_for(stranger).get("/models/").content.decode()


def test_delete_is_in_the_menu_for_the_owner(client_for, owner, model):
    assert f"/models/{model.uuid}/delete/" in client_for(owner).get("/models/").content.decode()


def test_delete_is_in_the_menu_for_an_admin_member(client_for, admin_member, model):
    html = client_for(admin_member).get("/models/").content.decode()
    assert f"/models/{model.uuid}/delete/" in html


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_delete_is_not_in_the_menu_for_viewers_and_editors(client_for, model, who, request):
    html = client_for(request.getfixturevalue(who)).get("/models/").content.decode()
    assert "pipeline-demo-0412" in html
    assert f"/models/{model.uuid}/delete/" not in html


def test_every_operation_of_the_product_is_built_none_is_shown_disabled(client_for, owner, model):
    """Playground, Create API endpoint, Fine-tune and Deploy each replaced catalog's
    "not available yet" placeholder by declaring its key (catalog/declarations.py)."""
    html = client_for(owner).get("/models/").content.decode()
    assert "Not available yet" not in html
    for name in ("Playground", "Create API endpoint", "Fine-tune"):
        assert re.search(rf"<a [^>]*>{name}</a>", html), name


def test_table_view_lists_rows_with_latest_version_and_actions(
    client_for, owner, model, add_version
):
    add_version(model, name="v1")
    add_version(model, name="release-2")
    html = client_for(owner).get("/models/", {"view": "table"}).content.decode()
    assert html.count('data-testid="model-row"') == 1
    assert "<td>release-2</td>" in html
    assert f"/models/{model.uuid}/edit/" in html
    assert f"/models/{model.uuid}/delete/" in html


def test_table_view_hides_edit_and_delete_from_a_viewer(client_for, viewer, model):
    html = client_for(viewer).get("/models/", {"view": "table"}).content.decode()
    assert html.count('data-testid="model-row"') == 1
    assert f"/models/{model.uuid}/edit/" not in html
    assert f"/models/{model.uuid}/delete/" not in html


@pytest.mark.parametrize("size", [8, 48])
def test_the_list_is_a_fixed_number_of_queries(
    client_for, owner, many_models, size, django_assert_num_queries
):
    many_models(50)
    client = client_for(owner)
    with django_assert_num_queries(5):
        response = client.get("/models/", {"page_size": size})
    assert len(titles(response)) == size


def test_the_list_is_a_fixed_number_of_queries_for_a_share_recipient(
    client_for, owner, stranger, many_models, django_assert_num_queries
):
    for model in many_models(20):
        ShareFactory(model=model, user=stranger, role=Role.ADMIN)
    client = client_for(stranger)
    with django_assert_num_queries(5):
        html = client.get("/models/", {"page_size": 12}).content.decode()
    assert html.count("/delete/?next=") == 12


def test_a_tag_filter_looks_its_tags_up_once(
    client_for, owner, many_models, django_assert_num_queries
):
    tag = TagFactory(category="framework", name="JAX")
    for model in many_models(20):
        model.tags.add(tag)
    client = client_for(owner)
    with django_assert_num_queries(6):
        response = client.get("/models/", {"framework": "jax", "page_size": 8})
    assert len(titles(response)) == 8


def test_a_long_result_is_counted_only_so_far_ahead(client_for, owner, settings, monkeypatch):
    monkeypatch.setattr("models_app.catalog.listing.COUNT_AHEAD", 5)
    AIModelFactory.create_batch(9, owner=owner)
    html = client_for(owner).get("/models/", {"page_size": 4}).content.decode()
    assert "1–4 of more than 5 models" in html
    assert 'href="?page_size=4&amp;page=2"' in html


def test_the_count_grows_as_the_user_pages_forward(client_for, owner, monkeypatch):
    monkeypatch.setattr("models_app.catalog.listing.COUNT_AHEAD", 5)
    AIModelFactory.create_batch(9, owner=owner)
    response = client_for(owner).get("/models/", {"page_size": 4, "page": 3})
    assert len(titles(response)) == 1
    assert "9–9 of 9 models" in response.content.decode()


def test_clearing_filters_also_drops_malformed_parameters(client_for, owner, model):
    html = (
        client_for(owner)
        .get("/models/", {"q": "nothing-like-this", "page_size": "7", "view": "table"})
        .content.decode()
    )
    assert 'href="?view=table"' in html


HTMX_RESULTS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-results"}


def test_htmx_asks_for_the_results_alone(client_for, owner, model):
    response = client_for(owner).get("/models/", {"q": "pipeline"}, **HTMX_RESULTS)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="list-results"')
    assert titles(response) == ["pipeline-demo-0412"]
    assert "<html" not in html and 'id="list-filters"' not in html
    assert "HX-Request" in response["Vary"]


def test_the_page_and_its_results_vary_on_the_htmx_headers(client_for, owner, model):
    """A cache must not hand the results section out for the page, or the page for it."""
    client = client_for(owner)
    for response in (client.get("/models/"), client.get("/models/", **HTMX_RESULTS)):
        for header in ("HX-Request", "HX-Target", "HX-History-Restore-Request"):
            assert has_vary_header(response, header), header


def test_the_back_button_gets_the_whole_page(client_for, owner, model):
    headers = {**HTMX_RESULTS, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
    html = client_for(owner).get("/models/", {"q": "pipeline"}, **headers).content.decode()
    assert "<html" in html and 'id="list-filters"' in html


def test_a_results_swap_shows_only_what_the_user_may_see(client_for, stranger, model):
    response = client_for(stranger).get("/models/", {"q": "pipeline"}, **HTMX_RESULTS)
    assert titles(response) == []


# Issue 11, points 6 and 7: popularity sorts, downloads beside views, tags as filter links.


@pytest.mark.parametrize(
    ("sort", "expected"),
    [("-views", ["watched", "fetched", "quiet"]), ("-downloads", ["fetched", "watched", "quiet"])],
)
def test_popularity_sorts_put_the_most_viewed_or_downloaded_first(
    client_for, owner, sort, expected
):
    AIModelFactory(owner=owner, title="quiet", view_count=1, download_count=0)
    AIModelFactory(owner=owner, title="watched", view_count=50, download_count=2)
    AIModelFactory(owner=owner, title="fetched", view_count=5, download_count=9)
    response = client_for(owner).get("/models/", {"sort": sort})
    assert titles(response) == expected
    html = response.content.decode()
    assert re.search(rf'<option value="{sort}" selected>[^<]+, most first</option>', html)


def test_cards_show_downloads_beside_views(client_for, owner, model):
    AIModelFactory(owner=owner, title="once", download_count=1)
    model.view_count, model.download_count = 7, 12
    model.save()
    html = client_for(owner).get("/models/", {"sort": "-downloads"}).content.decode()
    assert re.search(r"7 views</li>\s*<li [^>]*>12 downloads</li>", html)
    assert ">1 download</li>" in html


def test_the_table_shows_views_and_downloads(client_for, owner, model):
    model.view_count, model.download_count = 7, 12
    model.save()
    html = client_for(owner).get("/models/", {"view": "table"}).content.decode()
    assert '<th scope="col" class="numeric">Views</th>' in html
    assert '<td class="numeric" data-column="views">7</td>' in html
    assert '<td class="numeric" data-column="downloads">12</td>' in html


def test_a_cards_tags_link_to_the_list_filtered_by_that_tag(client_for, owner):
    AIModelFactory(
        owner=owner,
        tags=[
            TagFactory(category="framework", name="PyTorch"),
            TagFactory(category="task", name="text classification"),
        ],
    )
    client = client_for(owner)
    for view in ("cards", "table"):
        html = client.get("/models/", {"view": view}).content.decode()
        assert 'class="tag tag-framework" href="/models/?framework=PyTorch"' in html
        assert 'href="/models/?task=text+classification"' in html


def test_the_tag_suggestions_of_a_category_are_ranked_by_use_among_visible_models(
    client_for, owner, stranger
):
    pytorch, jax = TagFactory(name="PyTorch"), TagFactory(name="JAX")
    hidden = TagFactory(name="InternalFramework")
    AIModelFactory(owner=owner, tags=[pytorch])
    AIModelFactory.create_batch(2, owner=owner, tags=[jax])
    AIModelFactory(owner=stranger, tags=[hidden, pytorch])
    AIModelFactory(owner=stranger, tags=[TagFactory(category="task", name="qa")])
    response = client_for(owner).get("/models/tags/framework/")
    assert response.status_code == 200
    assert response.json() == {"category": "framework", "tags": ["JAX", "PyTorch"]}
    assert client_for(stranger).get("/models/tags/framework/").json()["tags"] == [
        "InternalFramework",
        "PyTorch",
    ]


def test_tag_suggestions_of_an_unknown_category_are_404(client_for, owner):
    assert client_for(owner).get("/models/tags/colour/").status_code == 404


def test_the_lists_tag_filters_name_their_suggestions(client_for, owner):
    html = client_for(owner).get("/models/").content.decode()
    assert 'name="framework"' in html
    assert 'data-tag-input="framework" data-suggest-url="/models/tags/framework/"' in html
    assert 'id="tag-chip-texts"' in html
