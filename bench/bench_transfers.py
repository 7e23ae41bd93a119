"""Downloads, uploads and zips through gunicorn, each beside a reference (bench/README.md).

    .venv/bin/python bench/bench_transfers.py [--size-mib 1024] [--zip-mib 2048]
                                              [--zip-files 20] [--runs 3] [--s3]

Local storage: download of one big file vs nginx (sendfile on) serving the same file;
upload (raw body, the browser's way) vs bench/wsgi_upload_ref.py under the same gunicorn;
zip of a version of --zip-files files; a multipart upload (`curl -F`, as a script sends it) of
--multipart-mib, with the bytes the worker wrote to files (/proc/<pid>/io write_bytes: the
stored object with local storage, nothing else once parts stream to storage). Each phase gets a
fresh gunicorn worker, whose peak RSS (VmHWM) is reported. --s3 repeats upload/download/zip and
the multipart upload against a moto server.
Everything runs on 127.0.0.1 in a temporary folder that is removed at the end.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BIN = Path(PY).parent
MIB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


class Server:
    """A process we start and stop ourselves (by its pid, never by name)."""

    def __init__(self, args, env, cwd=ROOT):
        self.proc = subprocess.Popen(
            args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def worker_pids(self):
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def peak_rss_mib(self) -> float:
        peaks = []
        for pid in [self.proc.pid, *self.worker_pids()]:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks)

    def written_mib(self) -> float:
        """Bytes the workers wrote to files so far (page cache included, sockets not)."""
        total = 0
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/io").read_text().splitlines():
                if line.startswith("write_bytes:"):
                    total += int(line.split()[1])
        return total / MIB

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def gunicorn(app: str, env: dict, port: int) -> Server:
    server = Server(
        [str(BIN / "gunicorn"), app, "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "900"],
        env,
    )
    return server


def curl(args: list[str]) -> tuple[int, float]:
    done = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{size_upload} %{time_total}", *args],  # noqa: E501
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    status, down, up, seconds = done.stdout.split()
    if not status.startswith("2"):
        raise RuntimeError(f"HTTP {status} from {args[-1]}")
    down, up, seconds = int(down), int(up), float(seconds)
    return max(down, up), seconds


def post_file(port: int, path: str, source: Path, headers: dict) -> tuple[int, float]:
    """POSTs a file as one raw body with its Content-Length, 1 MiB at a time (as the browser's
    uploader does); curl cannot stream a body of known length from a file with POST."""
    size = source.stat().st_size
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900, blocksize=MIB)
    started = time.perf_counter()
    with source.open("rb") as body:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/octet-stream",
                "Content-Length": str(size),
            },
        )
        response = conn.getresponse()
        response.read()
    seconds = time.perf_counter() - started
    conn.close()
    if not 200 <= response.status < 300:
        raise RuntimeError(f"HTTP {response.status} from {path}")
    return size, seconds


def rate(nbytes: int, seconds: float) -> float:
    return nbytes / seconds / 1e9


def make_file(path: Path, size: int):
    block = os.urandom(MIB)
    with path.open("wb") as out:
        for _ in range(size // MIB):
            out.write(block)
        out.write(block[: size % MIB])


class Bench:
    def __init__(self, args, work: Path):
        self.args = args
        self.work = work
        self.results = {}

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

    def seed(self, env) -> dict:
        out = subprocess.run(
            [PY, str(ROOT / "bench/transfers_seed.py"), "seed"],
            env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        return json.loads(out.strip().splitlines()[-1])

    def auth(self, seed) -> list[str]:
        return [
            "-H", f"Cookie: sessionid={seed['session']}; csrftoken={seed['csrf']}",
            "-H", f"X-CSRFToken: {seed['csrf']}",
            "-H", "Accept: application/json",
        ]  # fmt: skip

    def upload(self, port, seed, version, path, source: Path):
        headers = {
            "Cookie": f"sessionid={seed['session']}; csrftoken={seed['csrf']}",
            "X-CSRFToken": seed["csrf"],
            "Accept": "application/json",
            "X-Upload-Path": path,
        }
        return post_file(port, f"/models/{seed['ref']}/versions/{version}/upload/", source, headers)

    def multipart_phase(self, label, env, seed, source: Path):
        """One multipart upload of `source` through a fresh worker: speed, peak RSS, and what
        the worker wrote to disk meanwhile (the temporary folder included)."""
        port = free_port()
        spill = self.work / f"spill-{port}"
        spill.mkdir()
        server = gunicorn(
            "modelhub.wsgi:application", {**env, "MODELHUB_UPLOAD_TEMP_DIR": str(spill)}, port
        )  # noqa: E501
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            before = server.written_mib()
            url = f"http://127.0.0.1:{port}/models/{seed['ref']}/versions/big/upload/"
            nbytes, seconds = curl(
                [*self.auth(seed), "-F", f"files=@{source}", "-F", f"paths=mp-{port}.bin", url]
            )
            self.results[label] = {
                "GB/s": round(rate(nbytes, seconds), 3),
                "peak_rss_mib": round(server.peak_rss_mib(), 1),
                "written_mib": round(server.written_mib() - before, 1),
            }
        finally:
            server.stop()
        print(label, self.results[label], flush=True)

    def phase(self, label, env, port, action, runs):
        server = gunicorn("modelhub.wsgi:application", env, port)
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            figures = [action() for _ in range(runs)]
            throughput = statistics.median(rate(n, s) for n, s in figures)
            self.results[label] = {
                "GB/s": round(throughput, 3),
                "peak_rss_mib": round(server.peak_rss_mib(), 1),
            }  # noqa: E501
        finally:
            server.stop()
        print(label, self.results[label], flush=True)
        return throughput

    def compare(self, name, hub_server, hub_action, ref_label, ref_server, ref_action):
        """Alternates hub and reference runs (the machine is noisy: both see the same noise)."""
        hub_runs, ref_runs = [], []
        for _ in range(self.args.runs):
            hub_runs.append(rate(*hub_action()))
            ref_runs.append(rate(*ref_action()))
        hub, ref = statistics.median(hub_runs), statistics.median(ref_runs)
        self.results[f"{name} hub (local)"] = {
            "GB/s": round(hub, 3),
            "runs": [round(r, 3) for r in hub_runs],
            "peak_rss_mib": round(hub_server.peak_rss_mib(), 1),
        }
        self.results[f"{name} {ref_label}"] = {
            "GB/s": round(ref, 3),
            "runs": [round(r, 3) for r in ref_runs],
        }
        if ref_server is not None:
            self.results[f"{name} {ref_label}"]["peak_rss_mib"] = round(
                ref_server.peak_rss_mib(), 1
            )
        self.results[f"{name} ratio hub/{ref_label}"] = round(hub / ref, 2)
        print(name, hub_runs, ref_runs, flush=True)

    def local(self):
        size = self.args.size_mib * MIB
        data = self.work / "local"
        env = self.env(data)
        seed = self.seed(env)
        big = self.work / "big.bin"
        make_file(big, size)
        port, ref_port = free_port(), free_port()
        phases = self.args.phases
        if "upload" in phases:
            self.upload_phase(env, seed, big, port, ref_port)
        if "multipart" in phases:
            part = self.work / "multipart.bin"
            make_file(part, self.args.multipart_mib * MIB)
            self.multipart_phase(
                f"multipart upload hub (local, {self.args.multipart_mib} MiB)", env, seed, part
            )
            part.unlink()
        if "download" in phases:
            if "upload" not in phases:
                server = gunicorn("modelhub.wsgi:application", env, port)
                try:
                    wait_for(f"http://127.0.0.1:{port}/healthz")
                    self.upload(port, seed, "big", "big.bin", big)
                finally:
                    server.stop()
            self.download_phase(env, seed, data, port, ref_port)
        big.unlink()
        if "zip" in phases:
            self.zip_phase("zip hub (local)", env, port, seed, data)

    def upload_phase(self, env, seed, big, port, ref_port):
        """Upload through the hub vs the minimal WSGI app, each under its own gunicorn."""
        ref_dir = self.work / "ref-uploads"
        ref_dir.mkdir()
        ref_env = {**env, "BENCH_UPLOAD_DIR": str(ref_dir), "PYTHONPATH": str(ROOT / "bench")}

        def ref_upload():
            figures = post_file(ref_port, "/", big, {})
            for leftover in ref_dir.iterdir():
                leftover.unlink()
            return figures

        hub_server = gunicorn("modelhub.wsgi:application", env, port)
        ref_server = gunicorn("wsgi_upload_ref:application", ref_env, ref_port)
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            wait_for(f"http://127.0.0.1:{ref_port}/")
            self.compare(
                "upload", hub_server, lambda: self.upload(port, seed, "big", "big.bin", big),
                "reference WSGI app", ref_server, ref_upload,
            )  # fmt: skip
        finally:
            hub_server.stop()
            ref_server.stop()

    def download_phase(self, env, seed, data, port, ref_port):
        """Download of the stored object through the hub vs nginx serving that very file."""
        key = subprocess.run(
            [PY, str(ROOT / "bench/transfers_seed.py"), "key", seed["ref"], "big", "big.bin"],
            env=env, check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
        url = f"http://127.0.0.1:{port}/models/{seed['ref']}/versions/big/files/big.bin"
        nginx = self.nginx(data / "media", ref_port)
        hub_server = gunicorn("modelhub.wsgi:application", env, port)
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            wait_for(f"http://127.0.0.1:{ref_port}/{key}")
            self.compare(
                "download", hub_server, lambda: curl([*self.auth(seed), url]),
                "nginx sendfile", None, lambda: curl([f"http://127.0.0.1:{ref_port}/{key}"]),
            )  # fmt: skip
        finally:
            hub_server.stop()
            nginx.stop()

    def zip_phase(self, label, env, port, seed, data, total_mib=None, files=None):
        total = (total_mib or self.args.zip_mib) * MIB
        files = files or self.args.zip_files
        part = self.work / "part.bin"
        make_file(part, total // files)
        server = gunicorn("modelhub.wsgi:application", env, port)
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz")
            for index in range(files):
                self.upload(port, seed, "zip", f"shard-{index:02d}.bin", part)
        finally:
            server.stop()
        part.unlink()
        url = f"http://127.0.0.1:{port}/models/{seed['ref']}/versions/zip/download/"
        self.phase(label, env, port, lambda: curl([*self.auth(seed), url]), 1)

    def nginx(self, root: Path, port: int) -> Server:
        prefix = self.work / "nginx"
        prefix.mkdir(exist_ok=True)
        conf = prefix / "nginx.conf"
        conf.write_text(
            f"""daemon off; worker_processes 1; pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
  sendfile on; tcp_nopush on; access_log off;
  client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
  types {{ }} default_type application/octet-stream;
  server {{ listen 127.0.0.1:{port}; root {root}; location / {{ }} }}
}}
"""
        )
        return Server(["nginx", "-c", str(conf), "-p", str(prefix)], dict(os.environ))

    def s3(self):
        moto_port = free_port()
        endpoint = f"http://127.0.0.1:{moto_port}"
        moto = Server(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)], dict(os.environ)
        )  # noqa: E501
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
            seed = self.seed(env)
            size = self.args.s3_size_mib * MIB
            big = self.work / "s3-big.bin"
            make_file(big, size)
            part = self.work / "s3-multipart.bin"
            make_file(part, self.args.multipart_mib * MIB)
            self.multipart_phase(
                f"multipart upload hub (S3 moto, {self.args.multipart_mib} MiB)", env, seed, part
            )
            part.unlink()
            if self.args.multipart_only:
                return
            port = free_port()
            self.phase(
                f"upload hub (S3 moto, {self.args.s3_size_mib} MiB)", env, port,
                lambda: self.upload(port, seed, "big", "big.bin", big), 1,
            )  # fmt: skip
            big.unlink()
            url = f"http://127.0.0.1:{port}/models/{seed['ref']}/versions/big/files/big.bin"
            self.phase(
                f"download hub (S3 moto, {self.args.s3_size_mib} MiB, streamed)", env, port,
                lambda: curl([*self.auth(seed), url]), 1,
            )  # fmt: skip
            self.zip_phase(
                f"zip hub (S3 moto, {self.args.s3_size_mib} MiB in 4 files)", env, port, seed,
                None, total_mib=self.args.s3_size_mib, files=4,
            )  # fmt: skip
            self.results["moto server peak RSS MiB"] = round(moto.peak_rss_mib(), 1)
        finally:
            moto.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--zip-mib", type=int, default=2048)
    parser.add_argument("--zip-files", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--s3", action="store_true", help="Also measure against moto.")
    parser.add_argument(
        "--phases",
        default="upload,multipart,download,zip",
        help="Local phases to run (comma list).",
    )
    parser.add_argument("--s3-size-mib", type=int, default=256)
    parser.add_argument("--multipart-mib", type=int, default=200)
    parser.add_argument(
        "--multipart-only", action="store_true", help="With --s3: only its multipart upload."
    )
    args = parser.parse_args()
    args.phases = set(args.phases.split(","))
    work = Path(tempfile.mkdtemp(prefix="modelhub-bench-"))
    work.chmod(0o755)  # nginx's worker (not root) reads the stored file
    bench = Bench(args, work)
    try:
        bench.local()
        if args.s3:
            bench.s3()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(bench.results, indent=2))


if __name__ == "__main__":
    main()
