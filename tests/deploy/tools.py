"""nginx and systemd-analyze for the deployment tests (pytest plugin, like
tests/e2e/browser.py for Chromium).

Without the program, the tests marked `nginx` or `systemd` are skipped with one loud line;
with MODELHUB_REQUIRE_E2E=1 that is a failure instead.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

NGINX = os.environ.get("MODELHUB_NGINX", "/usr/sbin/nginx")
REQUIRED = os.environ.get("MODELHUB_REQUIRE_E2E") == "1"
SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "nginx"


SYSTEMD_ANALYZE = "systemd-analyze"
# marker: (program, how to install it)
TOOLS = {
    "nginx": (NGINX, "apt-get install -y nginx-light"),
    "systemd": (SYSTEMD_ANALYZE, "apt-get install -y systemd"),
}


def missing_reason(marker: str) -> str | None:
    program, install = TOOLS[marker]
    if not (os.path.exists(program) or shutil.which(program)):
        return f"{program} not found ({install})"
    return None


def pytest_collection_modifyitems(config, items):
    skipped = []
    for marker in TOOLS:
        needing = [item for item in items if marker in item.keywords]
        reason = missing_reason(marker)
        if not needing or reason is None:
            continue
        if REQUIRED:
            raise pytest.UsageError(
                f"MODELHUB_REQUIRE_E2E=1 but {len(needing)} deployment tests cannot run: {reason}"
            )
        skipped.append((len(needing), reason))
        for item in needing:
            item.add_marker(pytest.mark.skip(reason=reason))
    config._modelhub_deploy_skipped = skipped


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for count, reason in getattr(config, "_modelhub_deploy_skipped", []):
        terminalreporter.write_line(
            f"!!!!! {count} DEPLOYMENT TESTS SKIPPED: {reason} !!!!!", red=True, bold=True
        )


def replace_once(text: str, old: str, new: str) -> str:
    """The shipped file with one directive of it adapted (comments left alone); a file that
    no longer has it fails the test instead of being tested half-adapted."""
    pattern = re.compile(rf"^(\s*){re.escape(old)}(?=[\s;])", re.MULTILINE)
    assert len(pattern.findall(text)) == 1, f"expected one {old!r} in the shipped configuration"
    return pattern.sub(lambda m: m[1] + new, text)


class Nginx:
    """The shipped site file, with its upstream, ports and certificate moved to the test's,
    under a main configuration whose pid, logs and temporary folders are in `root`."""

    def __init__(self, root: Path, site: str, upstream_port: int, ports: dict[str, int]):
        self.root = root
        self.conf_dir = root / "conf"
        (self.conf_dir / "snippets").mkdir(parents=True)
        # The snippet is the shipped file byte for byte, at the place the site includes it.
        shutil.copy(SHIPPED / "modelhub-proxy.conf", self.conf_dir / "snippets")
        text = (SHIPPED / site).read_text(encoding="utf-8")
        text = replace_once(text, "server 127.0.0.1:8000", f"server 127.0.0.1:{upstream_port}")
        for listen, port in ports.items():
            text = replace_once(text, f"listen {listen}", f"listen 127.0.0.1:{port}")
        if "ssl_certificate " in text:
            cert, key = self_signed_certificate(root)
            text = replace_once(
                text,
                "ssl_certificate     /etc/ssl/certs/models.example.com.pem",
                f"ssl_certificate {cert}",
            )
            text = replace_once(
                text,
                "ssl_certificate_key /etc/ssl/private/models.example.com.key",
                f"ssl_certificate_key {key}",
            )
        (self.conf_dir / "modelhub.conf").write_text(text, encoding="utf-8")
        temp = root / "temp"
        temp.mkdir()
        temp_paths = "\n".join(
            f"    {kind}_temp_path {temp / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # As root the workers would run as `nobody`, who cannot enter pytest's private tmp.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (self.conf_dir / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {root / 'nginx.pid'};\n"
            f"error_log {root / 'error.log'} info;\n"
            "events { worker_connections 64; }\n"
            f"http {{\n    access_log {root / 'access.log'};\n{temp_paths}\n"
            # Debian's nginx.conf includes sites-enabled/* in the http block, as here.
            "    include modelhub.conf;\n}\n",
            encoding="utf-8",
        )
        self.process = None

    def command(self, *args) -> list[str]:
        return [
            NGINX,
            "-p",
            f"{self.root}/",
            "-c",
            str(self.conf_dir / "nginx.conf"),
            "-e",
            str(self.root / "error.log"),
            *args,
        ]

    def test_configuration(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)  # noqa: S603

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 (the system's nginx, our configuration)
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def error_log(self) -> str:
        path = self.root / "error.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "models.example.com")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("models.example.com")]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
