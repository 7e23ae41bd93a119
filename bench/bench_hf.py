"""The Hugging Face client through gunicorn (issue 12), each beside a reference (bench/README.md).

    .venv/bin/python bench/bench_hf.py [--size-mib 1024] [--files 5] [--runs 3] [--s3]

Local storage, one gunicorn worker with the production settings (modelhub/gunicorn.conf.py:
gthread, 8 threads), the model's --files files of --size-mib MiB in all:
- upload: `HfApi.upload_folder` into a new repository each run (the client hashes the files,
  preupload, LFS batch, PUTs to the hub, commit) vs the same files POSTed one after the other
  to the browser uploader's route (raw body, the browser's way), alternated --runs times;
- download: `snapshot_download` into an empty cache each run vs one `curl` fetching the same
  files from the same `resolve` URLs with the same token into files, and vs the same GETs
  made with httpx (the client's HTTP library) and its chunk size, alternated; with
  --static-reference also curl and httpx fetching the same files from nginx serving them
  straight from disk (sendfile, no application): what each client reaches from a plain file
  server on this machine, so the hub's share and the client's share can be told apart.
--s3: `upload_folder` of the same model with S3 storage (a moto server): the hub worker's peak
RSS, and the request body bytes the client sent to the hub and to the bucket (counted in
httpx, which huggingface_hub sends every request with).
Everything runs on 127.0.0.1 in a temporary folder that is removed at the end; every server
is stopped by its pid.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_transfers import (  # noqa: E402
    BIN,
    MIB,
    PY,
    ROOT,
    Server,
    free_port,
    make_file,
    post_file,
    rate,
    wait_for,
)


def seed(env) -> dict:
    def run(*args):
        out = subprocess.run(
            [PY, str(ROOT / "bench/transfers_seed.py"), *args],
            env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        return json.loads(out.strip().splitlines()[-1])

    return {**run("seed"), **run("token")}


class SentBytes:
    """Request body bytes this process sends, per host:port (the hub, the bucket): counted
    in httpx, which huggingface_hub sends everything with."""

    def __init__(self):
        import httpx

        self.by_address = {}
        original = httpx.Client.send
        tally = self.by_address

        def send(client, request, **kwargs):
            length = int(request.headers.get("Content-Length") or 0)
            address = f"{request.url.host}:{request.url.port}"
            tally[address] = tally.get(address, 0) + length
            return original(client, request, **kwargs)

        httpx.Client.send = send


NGINX = Path("/usr/sbin/nginx")


def static_server(root: Path, work: Path, port: int) -> Server:
    """nginx serving `root` under the hub's resolve URLs (`/<ns>/<name>/resolve/main/<path>`)
    with sendfile, in the foreground so it is stopped by its pid like the hub."""
    conf = work / "nginx.conf"
    temp = work / "nginx-temp"
    temp.mkdir(exist_ok=True)
    # Started by root, nginx's worker would read as `nobody`: the temporary folder is 0700.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""
{user}
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{}}
http {{
    access_log off;
    sendfile on;
    default_type application/octet-stream;
    client_body_temp_path {temp}; proxy_temp_path {temp}; fastcgi_temp_path {temp};
    uwsgi_temp_path {temp}; scgi_temp_path {temp};
    server {{
        listen 127.0.0.1:{port};
        location ~ ^/[^/]+/[^/]+/resolve/main/(.+)$ {{ alias {root}/$1; }}
        location = /healthz {{ return 200 "ok"; }}
    }}
}}
""")
    return Server([str(NGINX), "-c", str(conf), "-p", str(work)], dict(os.environ))


def hub(env, port) -> Server:
    # The production settings (gthread, 8 threads: the client downloads 8 files at once and
    # uploads 5), one worker so that its peak RSS is the hub's.
    args = [str(BIN / "gunicorn"), "-c", "modelhub/gunicorn.conf.py", "-b", f"127.0.0.1:{port}"]
    args += ["-w", "1", "--timeout", "900"]
    return Server(args, env)


def client_cpu_seconds() -> float:
    """CPU time of this process (the Python client, all its threads) and of the children it
    waited for (curl)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Bench:
    def __init__(self, args, work: Path):
        self.args = args
        self.work = work
        self.results = {}
        self.model_dir = work / "model"
        self.files = []
        size = args.size_mib * MIB // args.files
        for index in range(args.files):
            path = self.model_dir / "shards" / f"model-{index + 1:05d}-of-{args.files:05d}.bin"
            path.parent.mkdir(parents=True, exist_ok=True)
            make_file(path, size)
            self.files.append(path)
        (self.model_dir / "config.json").write_text('{"model_type": "bench"}\n')
        self.total = sum(p.stat().st_size for p in self.model_dir.rglob("*") if p.is_file())
        self.runs = 0

    def env(self, data_dir: Path, extra=None):
        env = {
            **os.environ,
            "MODELHUB_DATA_DIR": str(data_dir),
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "MODELHUB_LOG_LEVEL": "WARNING",
            "MODELHUB_MAX_UPLOAD_BYTES": str(100 * 1024**3),
        }
        env.update(extra or {})
        return env

    def api(self, port, seed):
        from huggingface_hub import HfApi

        return HfApi(endpoint=f"http://127.0.0.1:{port}", token=seed["token"])

    def hf_upload(self, port, seed) -> tuple[int, float]:
        self.runs += 1
        repo_id = f"{seed['namespace']}/hf-run-{self.runs}"
        api = self.api(port, seed)
        api.create_repo(repo_id)
        started = time.perf_counter()
        api.upload_folder(folder_path=self.model_dir, repo_id=repo_id)
        return self.total, time.perf_counter() - started

    def browser_upload(self, port, seed) -> tuple[int, float]:
        headers = {
            "Cookie": f"sessionid={seed['session']}; csrftoken={seed['csrf']}",
            "X-CSRFToken": seed["csrf"],
            "Accept": "application/json",
        }
        url = f"/models/{seed['ref']}/versions/big/upload/"
        started = time.perf_counter()
        for path in sorted(self.model_dir.rglob("*")):
            if path.is_file():
                relative = path.relative_to(self.model_dir).as_posix()
                post_file(port, url, path, {**headers, "X-Upload-Path": relative})
        return self.total, time.perf_counter() - started

    def hf_download(self, port, seed, repo_id) -> tuple[int, float]:
        from huggingface_hub import snapshot_download

        cache = self.work / "hf-cache"
        started = time.perf_counter()
        snapshot_download(
            repo_id, endpoint=f"http://127.0.0.1:{port}", token=seed["token"], cache_dir=cache
        )
        seconds = time.perf_counter() - started
        shutil.rmtree(cache)
        return self.total, seconds

    def curl_download(self, port, seed, repo_id) -> tuple[int, float]:
        target = self.work / "curl-out"
        target.mkdir()
        args = ["curl", "-sS", "--fail", "-H", f"Authorization: Bearer {seed['token']}"]
        for index, path in enumerate(sorted(self.model_dir.rglob("*"))):
            if path.is_file():
                relative = path.relative_to(self.model_dir).as_posix()
                url = f"http://127.0.0.1:{port}/{repo_id}/resolve/main/{relative}"
                args += ["-o", str(target / f"{index}"), url]
        started = time.perf_counter()
        subprocess.run(args, check=True)  # noqa: S603  (fixed arguments)
        seconds = time.perf_counter() - started
        shutil.rmtree(target)
        return self.total, seconds

    def static_reference(self, measure):
        """Adds curl and httpx from nginx to a comparison (`measure(port)` → its references),
        or nothing when nginx is not on the machine."""
        if not self.args.static_reference:
            return [], lambda: None
        if not NGINX.exists():
            sys.exit("--static-reference needs nginx (apt-get install nginx-light)")
        port = free_port()
        server = static_server(self.model_dir, self.work, port)
        wait_for(f"http://127.0.0.1:{port}/healthz")
        return measure(port), server.stop

    def httpx_download(self, port, seed, repo_id) -> tuple[int, float]:
        """The same GETs with the client's own HTTP library and chunk size, one file after
        the other, into files: what is left of the client's speed without the client."""
        import httpx
        from huggingface_hub import constants

        target = self.work / "httpx-out"
        target.mkdir()
        headers = {"Authorization": f"Bearer {seed['token']}"}
        started = time.perf_counter()
        with httpx.Client(headers=headers, timeout=900) as client:
            for index, path in enumerate(sorted(self.model_dir.rglob("*"))):
                if path.is_file():
                    relative = path.relative_to(self.model_dir).as_posix()
                    url = f"http://127.0.0.1:{port}/{repo_id}/resolve/main/{relative}"
                    with (
                        client.stream("GET", url) as response,
                        (target / f"{index}").open("wb") as out,
                    ):
                        response.raise_for_status()
                        for chunk in response.iter_bytes(constants.DOWNLOAD_CHUNK_SIZE):
                            out.write(chunk)
        seconds = time.perf_counter() - started
        shutil.rmtree(target)
        return self.total, seconds

    def compare(self, name, server, hub_label, hub_action, *references):
        """Alternates the hub's client with each reference (label, action): the machine is
        noisy, all see the same noise. The ratio is against the first reference."""
        labels = [hub_label, *(label for label, _action in references)]
        actions = [hub_action, *(action for _label, action in references)]
        runs = {label: [] for label in labels}
        cpu = {label: [] for label in labels}
        for _ in range(self.args.runs):
            for label, action in zip(labels, actions, strict=True):
                before = client_cpu_seconds()
                nbytes, seconds = action()
                runs[label].append(rate(nbytes, seconds))
                cpu[label].append((client_cpu_seconds() - before) / (nbytes / 1e9))
        medians = {label: statistics.median(figures) for label, figures in runs.items()}
        for label in labels:
            self.results[f"{name}: {label}"] = {
                "GB/s": round(medians[label], 3),
                "runs": [round(r, 3) for r in runs[label]],
                # CPU seconds per GB on the client's side (this process and curl): what a
                # busy machine's share of the cores limits.
                "client CPU s/GB": round(statistics.median(cpu[label]), 2),
            }
        self.results[f"{name}: ratio"] = round(medians[hub_label] / medians[labels[1]], 2)
        self.results[f"{name}: hub worker peak RSS MiB"] = round(server.peak_rss_mib(), 1)
        print(name, self.results[f"{name}: ratio"], runs, flush=True)

    def client_hashing(self) -> tuple[int, float]:
        """What upload_folder spends before it sends anything: the SHA-256 of every file
        (huggingface_hub's own `sha_fileobj`); the browser route's sender hashes nothing."""
        from huggingface_hub.utils.sha import sha_fileobj

        started = time.perf_counter()
        for path in self.model_dir.rglob("*"):
            if path.is_file():
                with path.open("rb") as handle:
                    sha_fileobj(handle)
        return self.total, time.perf_counter() - started

    def local(self):
        env = self.env(self.work / "local")
        seed_ = seed(env)
        port = free_port()
        server = hub(env, port)
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            if "upload" in self.args.phases:
                self.compare(
                    "upload", server,
                    "upload_folder", lambda: self.hf_upload(port, seed_),
                    ("browser uploader's route", lambda: self.browser_upload(port, seed_)),
                    ("client's SHA-256 alone", self.client_hashing),
                )  # fmt: skip
            else:
                self.hf_upload(port, seed_)
        finally:
            server.stop()
        repo_id = f"{seed_['namespace']}/hf-run-{self.runs}"
        if "download" not in self.args.phases:
            return
        server = hub(env, port)
        statics, stop_static = self.static_reference(lambda static_port: [
            ("curl from nginx", lambda: self.curl_download(static_port, seed_, repo_id)),
            ("httpx from nginx", lambda: self.httpx_download(static_port, seed_, repo_id)),
        ])  # fmt: skip
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            self.compare(
                "download", server,
                "snapshot_download", lambda: self.hf_download(port, seed_, repo_id),
                ("curl", lambda: self.curl_download(port, seed_, repo_id)),
                ("httpx", lambda: self.httpx_download(port, seed_, repo_id)),
                *statics,
            )  # fmt: skip
        finally:
            server.stop()
            stop_static()
        if statics:
            figure = lambda label: self.results[f"download: {label}"]["GB/s"]  # noqa: E731
            self.results["download: hub / nginx, curl"] = round(
                figure("curl") / figure("curl from nginx"), 2
            )
            self.results["download: hub / nginx, httpx"] = round(
                figure("httpx") / figure("httpx from nginx"), 2
            )
            self.results["download: httpx / curl, both from nginx"] = round(
                figure("httpx from nginx") / figure("curl from nginx"), 2
            )

    def s3(self):
        moto_port = free_port()
        endpoint = f"http://127.0.0.1:{moto_port}"
        moto = Server(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)], dict(os.environ)
        )
        try:
            wait_for(f"{endpoint}/moto-api/")
            import boto3

            boto3.client(
                "s3", endpoint_url=endpoint, aws_access_key_id="x", aws_secret_access_key="x",
                region_name="us-east-1",
            ).create_bucket(Bucket="bench")  # fmt: skip
            env = self.env(self.work / "s3", {
                "MODELHUB_S3_BUCKET": "bench", "MODELHUB_S3_ENDPOINT_URL": endpoint,
                "MODELHUB_S3_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "x",
                "AWS_SECRET_ACCESS_KEY": "x",
            })  # fmt: skip
            seed_ = seed(env)
            port = free_port()
            server = hub(env, port)
            sent = SentBytes()
            try:
                wait_for(f"http://127.0.0.1:{port}/healthz")
                size, seconds = self.hf_upload(port, seed_)
                peak = server.peak_rss_mib()
            finally:
                server.stop()
            self.results["S3 upload_folder"] = {
                "GB/s": round(rate(size, seconds), 3),
                "hub worker peak RSS MiB": round(peak, 1),
                "request body bytes sent to the hub": sent.by_address.get(f"127.0.0.1:{port}"),
                "request body bytes sent to the bucket": sent.by_address.get(
                    f"127.0.0.1:{moto_port}"
                ),
                "model bytes": size,
            }
            self.results["moto server peak RSS MiB"] = round(moto.peak_rss_mib(), 1)
            print("S3", self.results["S3 upload_folder"], flush=True)
        finally:
            moto.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--s3", action="store_true", help="Also upload_folder to moto's S3.")
    parser.add_argument("--no-local", action="store_true", help="Only the S3 phase.")
    parser.add_argument(
        "--phases", default="upload,download", help="Local phases to run (comma list)."
    )
    parser.add_argument(
        "--static-reference", action="store_true",
        help="Also fetch the same files with curl and httpx from nginx (a plain file server).",
    )  # fmt: skip
    args = parser.parse_args()
    args.phases = set(args.phases.split(","))
    work = Path(tempfile.mkdtemp(prefix="modelhub-bench-hf-"))
    os.environ.update(
        HF_HUB_DISABLE_XET="1",
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        HF_HOME=str(work / "hf-home"),
    )
    bench = Bench(args, work)
    try:
        if not args.no_local:
            bench.local()
        if args.s3:
            bench.s3()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(bench.results, indent=2))


if __name__ == "__main__":
    main()
