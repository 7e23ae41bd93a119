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

HEAD: every route with a GET states `head=True` (HEAD gets GET's answer, for every caller,
without a body, and changes nothing) or `head=False` (405), which needs a comment saying why
that route must not answer HEAD. VARIANTS: other shapes of a request to a declared
route (htmx fragments, the file browser's folders, the raw upload), each with its route's
access decision and the answer (fragment, page, JSON) an allowed caller gets.

To add a route: one entry in ROUTES, keyed by its name ("namespace:name"; an unnamed route
by "/" + its pattern). `kwargs` and `data` are functions of the Scene (the sample model, the
cast, an invitation token); they run before the "nothing changed" snapshot, so they may
create what the request needs (a version, a file):

    "versions:page": Route(get=Action.VIEW, kwargs=lambda s: {"ref": s.model.uuid,
                           "name": VersionFactory(model=s.model).name}),
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from models_app.access.roles import Action
from models_app.sharing.models import Invitation
from models_app.sharing.services import token_digest
from tests.factories import PASSWORD

PUBLIC = "public"
SIGNED_IN = "signed in"
TOKEN = "api token"

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


def repo_id(scene):
    return {"namespace": scene.model.repo_namespace, "name": scene.model.repo_name}


def repo_revision(scene):
    return {**repo_id(scene), "rev": sample_version(scene).name}


def repo_revision_folder(scene):
    return {**repo_id(scene), "rest": f"{sample_version(scene).name}/weights"}


def repo_file(scene):
    return {**repo_id(scene), "rest": f"{sample_version(scene).name}/{SAMPLE_FILE}"}


def version_ref(scene):
    return {"ref": scene.model.uuid, "name": sample_version(scene).name}


def file_ref(scene):
    return {**version_ref(scene), "path": SAMPLE_FILE}


def version_form(scene):
    return {"name": "v1", "status": "training", "tags": "rc", "notes": "matrix"}


def upload_form(scene):
    return {"files": SimpleUploadedFile("extra.bin", b"more"), "paths": "extra.bin"}


def password_reset_link(scene):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    owner = scene.users["owner"]
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(owner.pk)),
        "token": default_token_generator.make_token(owner),
    }


def owners_token(scene):
    from models_app.api.services import token_create

    token, _secret = token_create(
        by=scene.users["owner"], user=scene.users["owner"], name="m", scope="read", expires_days=30
    )
    return {"pk": token.pk}


def upstream_form(scene):
    """A deploy form that needs no runner and no file: an upstream on loopback."""
    return {
        "version": sample_version(scene).name,
        "runtime": "openai",
        "upstream_url": "http://127.0.0.1:9/v1",
        "upstream_model": "m",
        "threads": "1",
        "context_size": "2048",
        "max_concurrency": "1",
    }


def deployment_ref(desired="running", newer_version=False):
    """A deployment of the sample version (an upstream), in the `desired` state; with
    `newer_version`, a v2 to redeploy it to."""

    def make(scene):
        from models_app.deployments.models import Deployment
        from models_app.deployments.services import deployment_create
        from models_app.versions.models import ModelVersion

        deployment = deployment_create(
            by=scene.users["owner"],
            model=scene.model,
            version=sample_version(scene),
            runtime="openai",
            upstream_url="http://127.0.0.1:9/v1",
            upstream_model="m",
        )
        Deployment.objects.filter(pk=deployment.pk).update(desired=desired)
        if newer_version and not scene.model.versions.filter(name="v2").exists():
            ModelVersion.objects.create(model=scene.model, number=2, name="v2")
        return {"ref": scene.model.uuid, "pk": deployment.pk}

    return make


def models_endpoint_key(scene):
    from models_app.deployments.keys import key_create

    key, _secret = key_create(
        by=scene.users["owner"], model=scene.model, name="m", rate_limit_rpm=5, expires_days=None
    )
    return {"ref": scene.model.uuid, "pk": key.pk}


def training_command(scene):
    from models_app.finetune.models import TrainingCommand

    TrainingCommand.objects.get_or_create(name="matrix", defaults={"command": "true"})


def finetune_form(scene):
    sample_version(scene)
    training_command(scene)
    return {
        "base_version": "v1",
        "recipe": "command",
        "param_command": "matrix",
        "dataset": SimpleUploadedFile("train.csv", b"text,label\na,b\n"),
    }


def sample_job(scene):
    """A queued fine-tune job of the sample model (never run: no worker here)."""
    from models_app.finetune.models import FineTuneJob
    from models_app.finetune.recipes import recipe
    from models_app.finetune.services import job_create

    job = FineTuneJob.objects.filter(model=scene.model).first()
    if job is None:
        training_command(scene)
        job = job_create(
            by=scene.users["owner"],
            model=scene.model,
            base_version=sample_version(scene),
            recipe=recipe("command"),
            params={"command": "matrix", "hyperparameters": "{}"},
            dataset_path=SAMPLE_FILE,
        )
    return {"ref": scene.model.uuid, "job_id": job.pk}


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
    # Whether HEAD gets GET's answer (True: `require_safe`, `require_http_methods(["GET",
    # "HEAD", "POST"])`, a class-based view) or a 405 (False, with a comment saying why this
    # page must not answer HEAD). Every route with a GET states which; a route without one
    # leaves it None (HEAD → 405, as any other method).
    head: bool | None = None
    methods: tuple = field(init=False, default=())

    def __post_init__(self):
        declared = tuple(m for m in ("GET", "POST") if getattr(self, m.lower()))
        object.__setattr__(self, "methods", declared)

    def access(self, method):
        return getattr(self, method.lower())


ROUTES = {
    "/": Route(
        get=SIGNED_IN,
        kwargs=no_kwargs,
        any_method="RedirectView redirects any method",
        head=True,
    ),
    "login": Route(
        get=PUBLIC,
        post=PUBLIC,
        kwargs=no_kwargs,
        head=True,
        data=lambda s: {"username": s.users["owner"].email, "password": PASSWORD},
    ),
    "logout": Route(post=SIGNED_IN, kwargs=no_kwargs),
    "password_change": Route(
        get=SIGNED_IN,
        post=SIGNED_IN,
        kwargs=no_kwargs,
        data=lambda s: {
            "old_password": PASSWORD,
            "new_password1": "a-long-new-password",
            "new_password2": "a-long-new-password",
        },
        writes=True,
        head=True,
    ),
    "password_change_done": Route(get=SIGNED_IN, kwargs=no_kwargs, head=True),
    "password_reset": Route(
        get=PUBLIC,
        post=PUBLIC,
        kwargs=no_kwargs,
        data=lambda s: {"email": s.users["owner"].email},
        head=True,
    ),
    "password_reset_done": Route(get=PUBLIC, kwargs=no_kwargs, head=True),
    # A valid link moves its token into the session and redirects, whatever the method.
    "password_reset_confirm": Route(get=PUBLIC, post=PUBLIC, kwargs=password_reset_link, head=True),
    "password_reset_complete": Route(get=PUBLIC, kwargs=no_kwargs, head=True),
    "set_language": Route(
        post=PUBLIC,
        kwargs=no_kwargs,
        data=lambda s: {"language": "ja", "next": "/"},
        any_method="Django's set_language redirects a GET without changing anything",
    ),
    "healthz": Route(get=PUBLIC, kwargs=no_kwargs, head=True),
    "catalog:list": Route(get=SIGNED_IN, kwargs=no_kwargs, head=True),
    "catalog:delete": Route(
        get=Action.DELETE,
        post=Action.DELETE,
        data=lambda s: {"confirm": "confirm"},
        writes=True,
        head=True,
    ),
    "catalog:create": Route(
        get=SIGNED_IN,
        post=SIGNED_IN,
        kwargs=no_kwargs,
        data=new_model_form,
        writes=True,
        head=True,
    ),
    "catalog:preview": Route(post=SIGNED_IN, kwargs=no_kwargs, data=new_model_form),
    # Scoped by what the caller can see, not by a model: any signed-in user may ask.
    "catalog:tag_suggestions": Route(
        get=SIGNED_IN, kwargs=lambda s: {"category": "framework"}, head=True
    ),
    "catalog:detail": Route(get=Action.VIEW, head=True),
    "catalog:edit": Route(
        get=Action.EDIT, post=Action.EDIT, data=edit_model_form, writes=True, head=True
    ),
    "catalog:edit_preview": Route(post=Action.EDIT, data=edit_model_form),
    "catalog:avatar": Route(get=Action.VIEW, kwargs=model_with_avatar, head=True),
    "audit:model_activity": Route(get=Action.MANAGE_SHARING, head=True),
    "versions:tab": Route(get=Action.VIEW, head=True),
    "versions:create": Route(
        get=Action.EDIT,
        post=Action.EDIT,
        data=lambda s: {"name": "v7", "status": "created"},
        writes=True,
        head=True,
    ),
    "versions:detail": Route(get=Action.VIEW, kwargs=version_ref, head=True),
    "versions:edit": Route(
        get=Action.EDIT,
        post=Action.EDIT,
        kwargs=version_ref,
        data=version_form,
        writes=True,
        head=True,
    ),
    "versions:delete": Route(post=Action.DELETE, kwargs=version_ref, writes=True),
    "versions:delete_file": Route(
        post=Action.DELETE,
        kwargs=version_ref,
        data=lambda s: {"path": SAMPLE_FILE},
        writes=True,
    ),
    "versions:upload": Route(post=Action.UPLOAD, kwargs=version_ref, data=upload_form, writes=True),
    "versions:file": Route(get=Action.DOWNLOAD, kwargs=file_ref, head=True),
    "versions:preview": Route(get=Action.DOWNLOAD, kwargs=file_ref, head=True),
    "versions:zip": Route(get=Action.DOWNLOAD, kwargs=version_ref, head=True),
    "versions:model_download": Route(
        get=Action.DOWNLOAD, kwargs=lambda s: sample_version(s) and model_ref(s), head=True
    ),
    "deployments:tab": Route(get=Action.VIEW, head=True),
    "deployments:create": Route(
        get=Action.EDIT, post=Action.EDIT, data=upstream_form, writes=True, head=True
    ),
    "deployments:detail": Route(get=Action.VIEW, kwargs=deployment_ref(), head=True),
    "deployments:stop": Route(post=Action.EDIT, kwargs=deployment_ref(), writes=True),
    "deployments:start": Route(post=Action.EDIT, kwargs=deployment_ref("stopped"), writes=True),
    "deployments:redeploy": Route(
        post=Action.EDIT,
        kwargs=deployment_ref(newer_version=True),
        data=lambda s: {"version": "v2"},
        writes=True,
    ),
    "deployments:delete": Route(post=Action.EDIT, kwargs=deployment_ref(), writes=True),
    "finetune:tab": Route(get=Action.VIEW, head=True),
    "finetune:new": Route(
        get=Action.EDIT, post=Action.EDIT, data=finetune_form, writes=True, head=True
    ),
    "finetune:job": Route(get=Action.VIEW, kwargs=sample_job, head=True),
    "finetune:cancel": Route(post=Action.EDIT, kwargs=sample_job, writes=True),
    "sharing:tab": Route(
        get=Action.VIEW,
        post=Action.MANAGE_SHARING,
        data=lambda s: {"email": "new-colleague@acme.test", "role": "editor"},
        writes=True,
        head=True,
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
        head=True,
    ),
    "api:tokens": Route(
        get=SIGNED_IN,
        post=SIGNED_IN,
        kwargs=no_kwargs,
        data=lambda s: {"name": "matrix", "scope": "read", "expires_days": "30"},
        writes=True,
        head=True,
    ),
    # The owner's token: the owner revokes it; anyone else is sent back to their own list
    # with nothing changed (so no write is required of every caller).
    "api:token_revoke": Route(post=SIGNED_IN, kwargs=owners_token),
    "api:whoami": Route(get=TOKEN, kwargs=no_kwargs, head=True),
    # Hugging Face–compatible uploads: token callers in test_api_write_route_with_token_callers.
    "api:repo_create": Route(post=TOKEN, kwargs=no_kwargs),
    "api:validate_yaml": Route(post=TOKEN, kwargs=no_kwargs),
    "api:preupload": Route(post=TOKEN, kwargs=lambda s: {**repo_id(s), "rev": "main"}),
    "api:commit": Route(post=TOKEN, kwargs=lambda s: {**repo_id(s), "rev": "main"}),
    "api:branch_create": Route(post=TOKEN, kwargs=lambda s: {**repo_id(s), "branch": "dev"}),
    "api:lfs_batch": Route(post=TOKEN, kwargs=lambda s: repo_id(s)),
    "api:lfs_upload": Route(
        kwargs=lambda s: {"ticket": "forged"},
        any_method="PUT only, authorized by the signed ticket in its URL (the client PUTs "
        "without its token, as to S3): tests/api/test_hf_upload.py",
    ),
    "api:lfs_verify": Route(
        kwargs=lambda s: {"ticket": "forged"},
        any_method="POST only, authorized by the signed ticket in its URL (the client sends "
        "the completion of its S3 parts without its token): tests/api/test_hf_upload_s3.py",
    ),
    # The Hugging Face client's read routes (models_app/api/hub_read.py).
    "api:hub_models": Route(get=TOKEN, kwargs=no_kwargs, head=True),
    "api:hub_model": Route(get=TOKEN, kwargs=repo_id, head=True),
    "api:hub_model_revision": Route(get=TOKEN, kwargs=repo_revision, head=True),
    "api:hub_tree": Route(get=TOKEN, kwargs=repo_revision_folder, head=True),
    "api:hub_resolve": Route(get=TOKEN, kwargs=repo_file, head=True),
    "gateway:endpoints": Route(get=Action.EDIT, head=True),
    "gateway:endpoint_create": Route(
        post=Action.EDIT, data=lambda s: {"name": "matrix", "rate_limit_rpm": "5"}, writes=True
    ),
    "gateway:endpoint_revoke": Route(post=Action.EDIT, kwargs=models_endpoint_key, writes=True),
    "gateway:playground": Route(get=Action.VIEW, head=True),
}

# Whole subtrees whose authorization is not ours to declare, with the reason.
EXCLUDED_PREFIXES = {
    "admin/": "Django's admin: staff only, enforced by django.contrib.admin itself",
    # An endpoint key, a token or the session, answered in OpenAI's error JSON: its callers ×
    # answers are tests/gateway/ (keys of other models, revoked, rate limit, allowlist, CSRF).
    "v1/": "the OpenAI-compatible gateway (tests/gateway/)",
    "api/inference/": "the gateway's task inference (tests/gateway/)",
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
        # Unmanaged models have no table of ours (django-rq's admin dashboard).
        if m._meta.label != "sessions.Session" and m._meta.managed
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
    if access == TOKEN:
        return "401"
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
    elif want == "401":
        assert_token_refusal(response)
    elif want == "403":
        assert response.status_code == 403
        assert "403.html" in [t.name for t in response.templates]
    else:
        assert response.status_code == 404
    assert database_state() == before


def assert_token_refusal(response, with_body=True):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    if with_body:
        assert response.json()["error"]


# API routes with token callers ---------------------------------------------------------------
# The identities above bring no token; here each API route meets the token kinds: none, a read
# token, a write token, a revoked token, and a token of a user of another tenant.
TOKEN_CALLERS = ["none", "read", "write", "revoked", "other tenant"]


def token_secret(scene, kind) -> str | None:
    from models_app.api.services import token_create, token_revoke

    if kind == "none":
        return None
    user = scene.users["outsider" if kind == "other tenant" else "editor"]
    scope = "write" if kind == "write" else "read"
    token, secret = token_create(by=user, user=user, name=kind, scope=scope, expires_days=30)
    if kind == "revoked":
        token_revoke(token, by=user)
    return secret


@pytest.mark.parametrize("kind", TOKEN_CALLERS)
@pytest.mark.parametrize("key", [k for k, r in ROUTES.items() if r.get == TOKEN])
def test_api_route_with_token_callers(scene, key, kind):
    secret = token_secret(scene, kind)
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    response = Client(headers=headers).get(reverse(key, kwargs=ROUTES[key].kwargs(scene)))
    if kind in ("none", "revoked"):
        assert_token_refusal(response)
        return
    user = scene.users["outsider" if kind == "other tenant" else "editor"]
    TOKEN_ANSWERS.get(key, answers_whoami)(scene, user, response)


def answers_whoami(scene, user, response):
    assert response.status_code == 200
    assert response.json()["email"] == user.email


# The upload routes: what each token kind gets (the read tokens, the editor's and the other
# tenant's: 403 as the client shows it; the editor's write token: allowed). Another tenant's
# write token meets RepoNotFound: tests/api/test_hf_upload.py.
def _lfs_object(scene):
    return {"operation": "upload", "objects": [{"oid": "a" * 64, "size": 3}]}


TOKEN_POSTS = {
    # key: (JSON body, answer for a read token)
    "api:repo_create": (lambda s: {"name": "from-the-api"}, 403),
    "api:validate_yaml": (lambda s: {"content": "# Card", "repoType": "model"}, 200),
    "api:preupload": (lambda s: {"files": [{"path": "a.txt", "size": 1, "sample": ""}]}, 403),
    "api:lfs_batch": (_lfs_object, 403),
    "api:branch_create": (lambda s: {}, 403),
    "api:commit": (None, 403),
}
COMMIT_BODY = b'{"key": "header", "value": {"summary": "matrix"}}\n'


@pytest.mark.parametrize("kind", TOKEN_CALLERS)
@pytest.mark.parametrize("key", [k for k, r in ROUTES.items() if r.post == TOKEN])
def test_api_write_route_with_token_callers(scene, key, kind):
    import json

    body_of_scene, read_answer = TOKEN_POSTS[key]
    secret = token_secret(scene, kind)
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    body = COMMIT_BODY if body_of_scene is None else json.dumps(body_of_scene(scene))
    path = reverse(key, kwargs=ROUTES[key].kwargs(scene))
    before = database_state()
    response = Client(headers=headers).post(path, body, content_type="application/json")
    want = {
        "none": 401,
        "revoked": 401,
        "read": read_answer,
        "write": 200,
        "other tenant": read_answer,
    }[kind]
    assert response.status_code == want, response.content.decode()[:500]
    assert response["Content-Type"].startswith(("application/json", "application/vnd.git-lfs"))
    if want != 200:
        assert response.json()["error"]
        if kind != "revoked":
            assert database_state() == before


def answers_the_models_user_sees(scene, user, response):
    assert response.status_code == 200
    ids = [model["id"] for model in response.json()]
    assert (scene.model.repo_id in ids) == (user == scene.users["editor"])


def answers_about_the_model(scene, user, response):
    """The editor's token sees the sample model; another tenant's finds nothing there."""
    if user == scene.users["editor"]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert response["X-Error-Code"] == "RepoNotFound"


TOKEN_ANSWERS = {
    "api:hub_models": answers_the_models_user_sees,
    "api:hub_model": answers_about_the_model,
    "api:hub_model_revision": answers_about_the_model,
    "api:hub_tree": answers_about_the_model,
    "api:hub_resolve": answers_about_the_model,
}


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


# Token routes read no session, so CSRF does not apply to them (without a token: 401).
POSTS = [
    pytest.param(key, id=key) for key, route in ROUTES.items() if route.post not in (None, TOKEN)
]


@pytest.mark.parametrize("key", POSTS)
def test_post_without_csrf_token_is_refused(scene, key):
    client = client_as(scene, "owner", enforce_csrf_checks=True)
    path, data = prepare(key, ROUTES[key], scene)
    before = database_state()
    response = send(client, "POST", path, data)
    assert response.status_code == 403
    assert database_state() == before


# HEAD ---------------------------------------------------------------------------------------
# A route that answers HEAD (`head=True`) gives every caller GET's access decision, with the
# same status as the GET and no body; any other route answers 405, after the sign-in check
# of the middleware (a signed-out caller is sent to sign in unless the route is public).
# Django's test client drops a HEAD body as web servers (gunicorn) do: the "no body" check
# states the contract the client sees.


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def head_refusal(identity, route) -> str:
    # Token routes read no session: they refuse HEAD without sending anyone to sign in.
    public = PUBLIC in (route.get, route.post) or TOKEN in (route.get, route.post)
    return "sign in" if identity == "anonymous" and not public else "405"


def assert_refused(response, want, before):
    """A refused request: the answer `want` names, and the database as it was."""
    if want == "sign in":
        assert is_sign_in_redirect(response)
    elif want == "401":
        assert_token_refusal(response, with_body=False)
    elif want == "403":
        assert response.status_code == 403
        assert "403.html" in [t.name for t in response.templates]
    elif want == "405":
        assert response.status_code == 405
        assert "HEAD" not in response["Allow"]
    else:
        assert want == "404"
        assert response.status_code == 404
    assert database_state() == before


# Routes without a GET that answer any method (set_language) are left to their reason.
HEAD_CASES = [
    pytest.param(key, identity, id=f"{key}-HEAD-{identity}")
    for key, route in ROUTES.items()
    if route.get or not route.any_method
    for identity in IDENTITIES
]


def test_every_route_with_a_get_states_whether_it_answers_head():
    unstated = sorted(k for k, r in ROUTES.items() if r.get and r.head is None)
    assert not unstated, f"Routes that must state head=True or head=False: {unstated}"
    stray = sorted(k for k, r in ROUTES.items() if not r.get and r.head is not None)
    assert not stray, f"Routes without a GET cannot answer HEAD like one: {stray}"


@pytest.mark.parametrize(("key", "identity"), HEAD_CASES)
def test_matrix_head(scene, key, identity):
    route = ROUTES[key]
    client = client_as(scene, identity)
    path, _ = prepare(key, route, scene)
    before = database_state()
    response = client.head(path)
    assert body_of(response) == b""
    if not route.head:
        assert_refused(response, head_refusal(identity, route), before)
        return
    want = expected(identity, route.get)
    if want != "allowed":
        assert_refused(response, want, before)
    else:
        assert 200 <= response.status_code < 400
        assert not is_sign_in_redirect(response)
        assert database_state() == before
    assert client.get(path).status_code == response.status_code


# Variants ---------------------------------------------------------------------------------
# Other shapes of a request to a declared route: the htmx fragments, the file browser's
# folders, the browser uploader's raw body. Each gets the access decision of its route's
# plain request (ROUTES[route].access(method)), or the stricter one it names, for every
# caller; an allowed caller gets the answer the variant names. POSTs carry the CSRF token
# in the X-CSRFToken header, as htmx (hx-headers on <body>) and the uploader send it,
# through a client that checks it.

FRAGMENT = "fragment"  # a piece of a page for htmx to swap in: no <html>
PAGE = "page"  # a whole page
JSON = "json"

CSRF_TOKEN = "matrixcsrftokenmatrixcsrftoken42"  # a 32-character secret, as in the cookie
SAMPLE_TITLE = "pipeline-demo-0412"  # the sample model's title (tests/conftest.py)
RAW_UPLOAD_PATH = "raw/matrix.bin"


def htmx(target=None, **more) -> dict:
    """The headers htmx sends: HX-Request, and HX-Target when the target has an id."""
    headers = {"HX-Request": "true", **more}
    if target:
        headers["HX-Target"] = target
    return headers


@dataclass(frozen=True)
class Variant:
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    query: str = ""
    # The raw request body (bytes), sent with `content_type`; None: the route's form `data`.
    body: Callable | None = None
    content_type: str = ""
    # The access this shape of request needs when it is stricter than its route's method
    # (None: the route's).
    access: str | None = None
    # What an allowed caller gets: FRAGMENT, PAGE or JSON.
    answer: str = FRAGMENT
    # (who, text) pairs: an allowed caller's answer holds `text` exactly when `who` (an access,
    # or a set of identities) covers the caller; so a fragment shows what the role may see
    # and nothing more.
    shows: tuple = ()
    # An allowed request must change the database (else it must change nothing, files
    # included).
    writes: bool = False


# Keyed (route key as in ROUTES, what differs from the plain request).
VARIANTS = {
    ("catalog:list", "htmx list-results"): Variant(
        headers=htmx("list-results"),
        query="?q=pipeline",
        shows=((SIGNED_IN, 'id="list-results"'), (Action.VIEW, SAMPLE_TITLE)),
    ),
    ("catalog:list", "htmx history restore"): Variant(
        headers=htmx("list-results", **{"HX-History-Restore-Request": "true"}),
        answer=PAGE,
        shows=((Action.VIEW, SAMPLE_TITLE),),
    ),
    ("catalog:preview", "htmx live preview"): Variant(
        method="POST",
        headers=htmx("preview"),
        shows=((SIGNED_IN, "preview-label"), (SIGNED_IN, "matrix-new-model")),
    ),
    ("catalog:edit_preview", "htmx live preview"): Variant(
        method="POST",
        headers=htmx("preview"),
        shows=((Action.EDIT, "preview-label"), (Action.EDIT, "matrix-renamed")),
    ),
    ("versions:detail", "folder"): Variant(
        query="?path=weights/",
        answer=PAGE,
        shows=((Action.VIEW, 'aria-current="page">weights<'), (Action.DELETE, "/delete-file/")),
    ),
    ("versions:detail", "htmx file-browser"): Variant(
        headers=htmx("file-browser"),
        shows=((Action.VIEW, 'id="file-browser"'), (Action.VIEW, ">weights/<")),
    ),
    ("versions:detail", "htmx file-browser folder"): Variant(
        headers=htmx("file-browser"),
        query="?path=weights/",
        shows=(
            (Action.VIEW, 'id="file-browser"'),
            (Action.VIEW, 'aria-current="page">weights<'),
            (Action.DOWNLOAD, "/files/weights/model.bin"),
            (Action.DOWNLOAD, "/preview/weights/model.bin"),
            (Action.DELETE, "/delete-file/"),
        ),
    ),
    ("versions:upload", "raw body"): Variant(
        method="POST",
        body=lambda s: b"raw matrix bytes",
        content_type="application/octet-stream",
        headers={"X-Upload-Path": quote(RAW_UPLOAD_PATH), "Accept": "application/json"},
        answer=JSON,
        shows=((Action.UPLOAD, f'"path": "{RAW_UPLOAD_PATH}"'),),
        writes=True,
    ),
    ("sharing:tab", "htmx panel"): Variant(
        headers=htmx("sharing-panel"),
        shows=((Action.VIEW, 'id="sharing-panel"'), (Action.MANAGE_SHARING, "share-add")),
    ),
    ("sharing:tab", "htmx e-mail hint"): Variant(
        headers=htmx("email-hint"),
        query="?check=1&email=new-colleague%40acme.test",
        # The hint belongs to the add form, which only those who manage sharing get: whether
        # an address has an account is nobody else's to learn (403, neither hint nor panel).
        access=Action.MANAGE_SHARING,
        shows=(
            (Action.MANAGE_SHARING, "No account has this address yet"),
            (set(), 'id="sharing-panel"'),
        ),
    ),
    ("sharing:tab", "htmx share"): Variant(
        method="POST",
        headers=htmx("sharing-panel"),
        shows=(
            (Action.MANAGE_SHARING, 'id="sharing-panel"'),
            (Action.MANAGE_SHARING, "new-colleague@acme.test"),
        ),
        writes=True,
    ),
    ("sharing:change", "htmx role change"): Variant(
        method="POST",
        headers=htmx("sharing-panel"),
        shows=((Action.MANAGE_SHARING, 'id="sharing-panel"'),),
        writes=True,
    ),
}


def variant_id(key) -> str:
    return f"{key[0]}[{key[1]}]"


def test_every_variant_names_a_declared_route_and_method():
    routes = project_routes()
    gone = sorted(
        variant_id(key) for key in VARIANTS if key[0] not in routes or key[0] not in ROUTES
    )
    assert not gone, f"Variants of routes the URLconf or the matrix does not have: {gone}"
    undeclared = sorted(
        f"{variant_id(key)} {variant.method}"
        for key, variant in VARIANTS.items()
        if variant.method not in ROUTES[key[0]].methods
    )
    assert not undeclared, f"Variants of a method their route does not declare: {undeclared}"


def covers(identity, who) -> bool:
    if isinstance(who, set):
        return identity in who
    return expected(identity, who) == "allowed"


def storage_state() -> list:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def send_variant(scene, identity, key, variant, csrf=True):
    route = ROUTES[key[0]]
    client = client_as(scene, identity, enforce_csrf_checks=variant.method == "POST")
    path, data = prepare(key[0], route, scene)
    if variant.query:
        path += ("&" if "?" in path else "?") + variant.query.removeprefix("?")
    headers = dict(variant.headers)
    if variant.method == "POST" and csrf:
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
        headers["X-CSRFToken"] = CSRF_TOKEN
    before = database_state(), storage_state()
    if variant.method == "GET":
        response = client.get(path, headers=headers)
    elif variant.body is not None:
        body = variant.body(scene)
        response = client.post(path, body, content_type=variant.content_type, headers=headers)
    else:
        response = client.post(path, data, headers=headers)
    return response, before


VARIANT_CASES = [
    pytest.param(key, identity, id=f"{variant_id(key)}-{key_variant.method}-{identity}")
    for key, key_variant in VARIANTS.items()
    for identity in IDENTITIES
]


@pytest.mark.parametrize(("key", "identity"), VARIANT_CASES)
def test_matrix_variant(scene, key, identity):
    variant = VARIANTS[key]
    want = expected(identity, variant.access or ROUTES[key[0]].access(variant.method))
    response, before = send_variant(scene, identity, key, variant)
    after = database_state(), storage_state()
    text = body_of(response).decode()
    if want != "allowed":
        assert_refused(response, want, before[0])
        assert after == before
        assert not [shown for _, shown in variant.shows if shown in text]
        return
    assert 200 <= response.status_code < 400, text[:1000]
    assert not is_sign_in_redirect(response)
    if variant.answer == JSON:
        assert response["Content-Type"] == "application/json"
    else:
        assert response["Content-Type"].startswith("text/html")
        assert ("<html" in text) == (variant.answer == PAGE), text[:300]
    for who, shown in variant.shows:
        assert (shown in text) == covers(identity, who), (who, shown)
    if variant.writes:
        assert after[0] != before[0]
    else:
        assert after == before


POST_VARIANTS = [
    pytest.param(key, id=variant_id(key)) for key, v in VARIANTS.items() if v.method == "POST"
]


@pytest.mark.parametrize("key", POST_VARIANTS)
def test_variant_post_without_csrf_token_is_refused(scene, key):
    response, before = send_variant(scene, "owner", key, VARIANTS[key], csrf=False)
    assert response.status_code == 403
    assert (database_state(), storage_state()) == before
