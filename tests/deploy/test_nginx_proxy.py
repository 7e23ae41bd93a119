"""The shipped nginx configuration (deploy/nginx/) in front of gunicorn with the project's
config, PostgreSQL and S3: nginx accepts it, and a browser's sign-in, an upload, a ranged
download and an allowlist refusal work through it (docs/deploy.md §5 and the trial)."""

import http.client
import os
import re
import secrets
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.ops.conftest import PG_SERVER_URL, ROOT, free_port, run_manage

from .tools import Nginx

pytestmark = [pytest.mark.nginx, pytest.mark.s3]

HOST = "models.example.com"
EMAIL = "owner@example.com"
PASSWORD = "a-long-enough-password"  # noqa: S105
# The client addresses nginx sees: the allowlists below let in the first, not the second.
ALLOWED_CLIENT, REFUSED_CLIENT = "127.0.0.2", "127.0.0.1"
SITES = {
    "tls": {"file": "modelhub.conf", "scheme": "https", "listens": ["443", "80"]},
    "trial": {"file": "modelhub-trial.conf", "scheme": "http", "listens": ["8080"]},
}


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    static = tmp_path_factory.mktemp("static")
    env = _environment(static.parent, static, "sqlite:///unused.sqlite3", moto=None)
    result = run_manage(env, "collectstatic", "--noinput")
    assert result.returncode == 0, result.stderr
    return static


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket="modelhub-proxy")
    yield {"endpoint": endpoint, "bucket": "modelhub-proxy"}
    server.stop()


def _environment(home: Path, static: Path, database_url: str, moto) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "modelhub.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": database_url,
        "MODELHUB_DATA_DIR": str(home / "data"),
        "MODELHUB_STATIC_ROOT": str(static),
        # nginx reaches gunicorn from loopback: believe the client address it forwards.
        "MODELHUB_TRUSTED_PROXIES": "127.0.0.1/32",
        "MODELHUB_WEB_WORKERS": "1",
        "MODELHUB_WEB_THREADS": "4",
    }
    if moto is not None:
        env.update(
            {
                "MODELHUB_S3_BUCKET": moto["bucket"],
                "MODELHUB_S3_ENDPOINT_URL": moto["endpoint"],
                "MODELHUB_S3_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
            }
        )
    return env


@pytest.fixture(scope="module")
def database():
    import psycopg

    name = f"modelhub_proxy_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_SERVER_URL}/{name}"
    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, static_root, database, moto):
    """gunicorn with modelhub/gunicorn.conf.py on PostgreSQL and S3, one account created
    the way the guide creates the first one (the password on standard input)."""
    home = tmp_path_factory.mktemp("app")
    env = _environment(home, static_root, database, moto)
    result = run_manage(env, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "create_user", "--email", EMAIL, "--password-stdin"],
        input=PASSWORD + "\n",
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    servers = {}
    for site, https in (("tls", "1"), ("trial", "0")):
        site_env = {**env, "MODELHUB_HTTPS": https}
        if https == "0":
            site_env["MODELHUB_PLAIN_HTTP_TRIAL"] = "1"
        port = free_port()
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and config)
            [sys.executable, "-m", "gunicorn", "-c", "modelhub/gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=site_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        servers[site] = (port, process)
    try:
        for port, process in servers.values():
            _wait_until_answering(lambda port=port: _plain_get(port, "/healthz"), process)
        yield {"ports": {site: port for site, (port, _) in servers.items()}, "home": home}
    finally:
        for _, process in servers.values():
            process.terminate()
            process.communicate(timeout=60)


def _plain_get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        return conn.getresponse().status
    finally:
        conn.close()


def _wait_until_answering(probe, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}: {process.stderr.read()}")
        try:
            return probe()
        except OSError:
            time.sleep(0.2)
    raise AssertionError("no answer in time")


def _rendered(site, tmp_path, upstream_port) -> tuple[Nginx, int]:
    ports = {listen: free_port() for listen in SITES[site]["listens"]}
    nginx = Nginx(tmp_path / "nginx", SITES[site]["file"], upstream_port, ports)
    return nginx, ports[SITES[site]["listens"][0]]


@pytest.fixture(scope="module", params=list(SITES))
def proxy(request, tmp_path_factory, app_server):
    site = request.param
    nginx, port = _rendered(site, tmp_path_factory.mktemp(site), app_server["ports"][site])
    nginx.start()
    try:
        _wait_until_answering(
            lambda: Browser(site, port, ALLOWED_CLIENT).get("/healthz"), nginx.process
        )
        yield {"site": site, "port": port, "nginx": nginx}
    finally:
        nginx.stop()


class Browser:
    """A browser's requests through nginx: the Host and Origin of a site on a non-default
    port, its cookies, and the local address it connects from."""

    def __init__(self, site, port, client_address):
        self.scheme = SITES[site]["scheme"]
        self.port = port
        self.origin = f"{self.scheme}://{HOST}:{port}"
        self.client_address = client_address
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        if self.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            conn = http.client.HTTPSConnection(
                "127.0.0.1",
                self.port,
                timeout=30,
                context=context,
                source_address=(self.client_address, 0),
            )
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=30, source_address=(self.client_address, 0)
            )
        sent = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response, content

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post_form(self, path, fields, origin=None):
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        return self.request(
            "POST",
            path,
            body=urlencode(fields, doseq=True),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin or self.origin,
                "Referer": f"{self.origin}{path}",
            },
        )

    def sign_in(self):
        response, page = self.get("/accounts/login/")
        assert response.status == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
        response, _ = self.post_form(
            "/accounts/login/",
            {"username": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        return response

    def upload(self, path, files: dict[str, bytes]):
        boundary = uuid.uuid4().hex
        parts = []
        for name, content in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="paths"\r\n\r\n'
                f"{name}\r\n".encode()
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Accept": "application/json",
                "Origin": self.origin,
                "X-CSRFToken": self.cookies["csrftoken"],
            },
        )


def _model_with_a_file(browser, allowlist, content) -> str:
    """A model (with this allowlist) whose version v1 holds weights.bin; its file URL."""
    assert browser.sign_in().status == 302
    title = f"proxied-{secrets.token_hex(4)}"
    response, _ = browser.post_form("/models/new/", {"title": title, "ip_whitelist": allowlist})
    assert response.status in (302, 303)
    model_url = response.getheader("Location")
    response, _ = browser.post_form(
        f"{model_url}versions/new/", {"name": "v1", "status": "created"}
    )
    assert response.status in (302, 303)
    response, body = browser.upload(f"{model_url}versions/v1/upload/", {"weights.bin": content})
    assert response.status == 201, body
    return f"{model_url}versions/v1/files/weights.bin"


@pytest.mark.parametrize("site", list(SITES))
def test_nginx_accepts_the_shipped_configuration(site, tmp_path):
    nginx, _ = _rendered(site, tmp_path, upstream_port=8000)
    result = nginx.test_configuration()
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_a_browser_signs_in_through_the_proxy_on_a_non_default_port(proxy):
    browser = Browser(proxy["site"], proxy["port"], ALLOWED_CLIENT)
    response = browser.sign_in()
    assert response.status == 302, proxy["nginx"].error_log()
    assert response.getheader("Location") == "/models/"
    response, page = browser.get("/models/")
    assert response.status == 200
    assert EMAIL.encode() in page


def test_a_form_posted_from_another_origin_is_refused(proxy):
    browser = Browser(proxy["site"], proxy["port"], ALLOWED_CLIENT)
    browser.get("/accounts/login/")
    response, _ = browser.post_form(
        "/accounts/login/",
        {"username": EMAIL, "password": PASSWORD},
        origin=f"{browser.scheme}://{HOST}:1",
    )
    assert response.status == 403


def test_an_upload_through_the_proxy_comes_back_by_range(proxy):
    browser = Browser(proxy["site"], proxy["port"], ALLOWED_CLIENT)
    content = secrets.token_bytes(300_000)
    file_url = _model_with_a_file(browser, "", content)
    response, part = browser.get(file_url, headers={"Range": "bytes=1000-1999"})
    assert response.status == 206
    assert response.getheader("Content-Range") == f"bytes 1000-1999/{len(content)}"
    assert part == content[1000:2000]


def test_the_allowlist_refuses_the_client_address_nginx_forwards(proxy):
    browser = Browser(proxy["site"], proxy["port"], ALLOWED_CLIENT)
    file_url = _model_with_a_file(browser, ALLOWED_CLIENT, b"weights")
    assert browser.get(file_url)[0].status == 200
    browser.client_address = REFUSED_CLIENT
    response, page = browser.get(file_url)
    assert response.status == 403
    assert f"<strong>{REFUSED_CLIENT}</strong>".encode() in page


def test_behind_the_proxy_nothing_is_written_to_the_data_dir(proxy, app_server):
    Browser(proxy["site"], proxy["port"], ALLOWED_CLIENT).sign_in()
    assert not (app_server["home"] / "data").exists()
