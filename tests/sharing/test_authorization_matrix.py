"""Every route of the URLconf × every kind of caller → the expected answer (SPEC §1, §9).

The table ROUTES below declares, once per route, which methods it answers, what sample
arguments and data a request needs, and the minimum access it requires. The tests walk
`get_resolver()`: a route the table does not declare fails `test_every_route_is_declared`
with its name, so no view can be added without saying who may use it.

Expected answers, from the access a route declares:
- PUBLIC: anyone, signed in or not → 2xx/3xx.
- SIGNED_IN: anonymous → the sign-in page; anyone signed in → 2xx/3xx.
- an Action on the sample model: anonymous → sign-in; cannot see the model → 404; sees it
  but the role does not allow the action → 403; allowed → 2xx/3xx.
After every refused request the database is exactly as before.

To add a route: one entry in ROUTES, keyed by its name ("namespace:name"; an unnamed route
by "/" + its pattern). `kwargs` and `data` are functions of the Scene (the sample model, the
cast, an invitation token); they run before the "nothing changed" snapshot, so they may
create what the request needs (a version, a file):

    "versions:page": Route(get=Action.VIEW, kwargs=lambda s: {"ref": s.model.uuid,
                           "name": VersionFactory(model=s.model).name}),
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from models_app.access.roles import Action
from models_app.sharing.models import Invitation
from models_app.sharing.services import token_digest
from tests.factories import PASSWORD

PUBLIC = "public"
SIGNED_IN = "signed in"

# Who may do what, written out here rather than read from the policy under test.
ROLE_MAY = {
    "owner": set(Action),
    "admin": set(Action),
    "superuser": set(Action),
    "editor": {Action.VIEW, Action.DOWNLOAD, Action.EDIT, Action.UPLOAD},
    "viewer": {Action.VIEW, Action.DOWNLOAD},
    "stranger": set(),
    "outsider": set(),
}
SEES_THE_MODEL = {"owner", "admin", "superuser", "editor", "viewer"}
IDENTITIES = ["anonymous", *ROLE_MAY]
FIXTURE_OF = {
    "owner": "owner",
    "admin": "admin_member",
    "editor": "editor",
    "viewer": "viewer",
    "stranger": "stranger",
    "outsider": "outsider",
    "superuser": "superuser",
}
SIGN_IN_URL = "/accounts/login/"


@dataclass
class Scene:
    model: object
    users: dict
    token: str


def model_ref(scene):
    return {"ref": scene.model.uuid}


def no_kwargs(scene):
    return {}


def no_data(scene):
    return {}


def new_model_form(scene):
    return {"title": "matrix-new-model", "parameter_size": "7B", "base_model": "GPT-4"}


def edit_model_form(scene):
    return {
        "title": "matrix-renamed",
        "parameter_size": "13B",
        "base_model": "GPT-4",
        "revision": scene.model.revision,
    }


def model_with_avatar(scene):
    from django.core.files.base import ContentFile

    scene.model.avatar.save("matrix.webp", ContentFile(b"RIFF....WEBP"), save=True)
    return {"ref": scene.model.uuid}


SAMPLE_FILE = "weights/model.bin"


def sample_version(scene):
    """Version v1 of the sample model holding one file, made through the owner's upload."""
    from models_app.versions.models import ModelVersion

    version = ModelVersion.objects.filter(model=scene.model, name="v1").first()
    if version is None:
        owner = Client()
        owner.force_login(scene.users["owner"])
        owner.post(
            reverse("versions:create", kwargs=model_ref(scene)), {"name": "v1", "status": "created"}
        )
        owner.post(
            reverse("versions:upload", kwargs={"ref": scene.model.uuid, "name": "v1"}),
            {"files": SimpleUploadedFile("model.bin", b"weights"), "paths": SAMPLE_FILE},
        )
        version = ModelVersion.objects.get(model=scene.model, name="v1")
        assert version.files.filter(path=SAMPLE_FILE).exists()
    return version


def version_ref(scene):
    return {"ref": scene.model.uuid, "name": sample_version(scene).name}


def file_ref(scene):
    return {**version_ref(scene), "path": SAMPLE_FILE}


def version_form(scene):
    return {"name": "v1", "status": "training", "tags": "rc", "notes": "matrix"}


def upload_form(scene):
    return {"files": SimpleUploadedFile("extra.bin", b"more"), "paths": "extra.bin"}


@dataclass(frozen=True)
class Route:
    """One route: the access each method needs (None: the method is refused with 405)."""

    get: str | None = None
    post: str | None = None
    kwargs: Callable = model_ref
    data: Callable = no_data
    query: str = ""
    # An allowed POST must change the database: proves the sample data is valid, so a
    # refusal that leaves the database alone means something.
    writes: bool = False
    # Why this route answers methods it does not declare (left empty, a 405 is required).
    any_method: str = ""
    methods: tuple = field(init=False, default=())

    def __post_init__(self):
        declared = tuple(m for m in ("GET", "POST") if getattr(self, m.lower()))
        object.__setattr__(self, "methods", declared)

    def access(self, method):
        return getattr(self, method.lower())


ROUTES = {
    "/": Route(get=SIGNED_IN, kwargs=no_kwargs, any_method="RedirectView redirects any method"),
    "login": Route(
        get=PUBLIC,
        post=PUBLIC,
        kwargs=no_kwargs,
        data=lambda s: {"username": s.users["owner"].email, "password": PASSWORD},
    ),
    "logout": Route(post=SIGNED_IN, kwargs=no_kwargs),
    "set_language": Route(
        post=PUBLIC,
        kwargs=no_kwargs,
        data=lambda s: {"language": "ja", "next": "/"},
        any_method="Django's set_language redirects a GET without changing anything",
    ),
    "healthz": Route(get=PUBLIC, kwargs=no_kwargs),
    "catalog:list": Route(get=SIGNED_IN, kwargs=no_kwargs),
    "catalog:delete": Route(
        get=Action.DELETE, post=Action.DELETE, data=lambda s: {"confirm": "confirm"}, writes=True
    ),
    "catalog:create": Route(
        get=SIGNED_IN, post=SIGNED_IN, kwargs=no_kwargs, data=new_model_form, writes=True
    ),
    "catalog:preview": Route(post=SIGNED_IN, kwargs=no_kwargs, data=new_model_form),
    "catalog:detail": Route(get=Action.VIEW),
    "catalog:edit": Route(get=Action.EDIT, post=Action.EDIT, data=edit_model_form, writes=True),
    "catalog:edit_preview": Route(post=Action.EDIT, data=edit_model_form),
    "catalog:avatar": Route(get=Action.VIEW, kwargs=model_with_avatar),
    "audit:model_activity": Route(get=Action.MANAGE_SHARING),
    "versions:tab": Route(get=Action.VIEW),
    "versions:create": Route(
        get=Action.EDIT,
        post=Action.EDIT,
        data=lambda s: {"name": "v7", "status": "created"},
        writes=True,
    ),
    "versions:detail": Route(get=Action.VIEW, kwargs=version_ref),
    "versions:edit": Route(
        get=Action.EDIT, post=Action.EDIT, kwargs=version_ref, data=version_form, writes=True
    ),
    "versions:delete": Route(post=Action.DELETE, kwargs=version_ref, writes=True),
    "versions:delete_file": Route(
        post=Action.DELETE,
        kwargs=version_ref,
        data=lambda s: {"path": SAMPLE_FILE},
        writes=True,
    ),
    "versions:upload": Route(post=Action.UPLOAD, kwargs=version_ref, data=upload_form, writes=True),
    "versions:file": Route(get=Action.DOWNLOAD, kwargs=file_ref),
    "versions:zip": Route(get=Action.DOWNLOAD, kwargs=version_ref),
    "versions:model_download": Route(
        get=Action.DOWNLOAD, kwargs=lambda s: sample_version(s) and model_ref(s)
    ),
    "sharing:tab": Route(
        get=Action.VIEW,
        post=Action.MANAGE_SHARING,
        data=lambda s: {"email": "new-colleague@acme.test", "role": "editor"},
        writes=True,
    ),
    "sharing:change": Route(
        post=Action.MANAGE_SHARING,
        kwargs=lambda s: {"ref": s.model.uuid, "share": s.users["viewer"].email},
        data=lambda s: {"role": "editor"},
        writes=True,
    ),
    "sharing:signup": Route(
        get=PUBLIC,
        post=PUBLIC,
        kwargs=lambda s: {"token": s.token},
        data=lambda s: {"password1": "a-long-new-password", "password2": "a-long-new-password"},
        writes=True,
    ),
}

# Whole subtrees whose authorization is not ours to declare, with the reason.
EXCLUDED_PREFIXES = {
    "admin/": "Django's admin: staff only, enforced by django.contrib.admin itself",
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield route, (namespace + entry.name) if entry.name else "/" + route


def project_routes() -> dict[str, str]:
    """{key: pattern} of every route of the URLconf outside the excluded subtrees."""
    return {
        key: route
        for route, key in _walk(get_resolver().url_patterns)
        if not any(route.startswith(prefix) for prefix in EXCLUDED_PREFIXES)
    }


def test_every_route_is_declared():
    missing = sorted(
        f"{key}  ({route})" for key, route in project_routes().items() if key not in ROUTES
    )
    assert not missing, "Routes missing from the authorization matrix:\n" + "\n".join(missing)


def test_the_matrix_declares_no_route_that_is_gone():
    gone = sorted(set(ROUTES) - set(project_routes()))
    assert not gone, f"The matrix declares routes the URLconf does not have: {gone}"


def database_state():
    """Every row of every table (sessions aside), to compare before and after a request."""
    return {
        m._meta.label: sorted(map(repr, m._base_manager.order_by("pk").values_list()))
        for m in apps.get_models()
        if m._meta.label != "sessions.Session"
    }


@pytest.fixture
def scene(request, model):
    users = {name: request.getfixturevalue(fixture) for name, fixture in FIXTURE_OF.items()}
    token = "matrix-invitation-token"
    Invitation.objects.create(
        model=model,
        email="invited@acme.test",
        role="viewer",
        token_hash=token_digest(token),
        invited_by=users["owner"],
    )
    return Scene(model=model, users=users, token=token)


def client_as(scene, identity, **options) -> Client:
    client = Client(**options)
    if identity != "anonymous":
        client.force_login(scene.users[identity])
    return client


def prepare(key, route, scene):
    """The path and POST data of a sample request; runs before the database is compared, so
    `kwargs` and `data` may create what the request needs."""
    name = None if key.startswith("/") else key
    path = reverse(name, kwargs=route.kwargs(scene)) if name else key
    return path + route.query, route.data(scene)


def send(client, method, path, data):
    return client.get(path) if method == "GET" else client.post(path, data)


def expected(identity, access) -> str:
    if access == PUBLIC:
        return "allowed"
    if identity == "anonymous":
        return "sign in"
    if access == SIGNED_IN:
        return "allowed"
    if identity not in SEES_THE_MODEL:
        return "404"
    return "allowed" if access in ROLE_MAY[identity] else "403"


CASES = [
    pytest.param(key, method, identity, id=f"{key}-{method}-{identity}")
    for key, route in ROUTES.items()
    for method in route.methods
    for identity in IDENTITIES
]


def is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{SIGN_IN_URL}?next=")


@pytest.mark.parametrize(("key", "method", "identity"), CASES)
def test_matrix(scene, key, method, identity):
    route = ROUTES[key]
    want = expected(identity, route.access(method))
    client = client_as(scene, identity)
    path, data = prepare(key, route, scene)
    before = database_state()
    response = send(client, method, path, data)
    if want == "allowed":
        assert 200 <= response.status_code < 400, response.content.decode()[:1000]
        assert not is_sign_in_redirect(response)
        if method == "POST" and route.writes:
            assert database_state() != before
        return
    if want == "sign in":
        assert is_sign_in_redirect(response)
    elif want == "403":
        assert response.status_code == 403
        assert "403.html" in [t.name for t in response.templates]
    else:
        assert response.status_code == 404
    assert database_state() == before


STRICT = [
    pytest.param(key, method, id=f"{key}-{method}")
    for key, route in ROUTES.items()
    if not route.any_method
    for method in ("GET", "POST")
    if method not in route.methods
]


@pytest.mark.parametrize(("key", "method"), STRICT)
def test_undeclared_method_is_refused(scene, key, method):
    route = ROUTES[key]
    client = client_as(scene, "owner")
    path, data = prepare(key, route, scene)
    before = database_state()
    response = send(client, method, path, data)
    assert response.status_code == 405
    assert database_state() == before


POSTS = [pytest.param(key, id=key) for key, route in ROUTES.items() if route.post]


@pytest.mark.parametrize("key", POSTS)
def test_post_without_csrf_token_is_refused(scene, key):
    client = client_as(scene, "owner", enforce_csrf_checks=True)
    path, data = prepare(key, ROUTES[key], scene)
    before = database_state()
    response = send(client, "POST", path, data)
    assert response.status_code == 403
    assert database_state() == before
