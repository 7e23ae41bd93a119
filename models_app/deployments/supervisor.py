"""The deployments supervisor (`manage.py run_deployments`): finds its work in the database,
owns the runner processes of the deployments it claimed, and reports their state.

Several supervisors, on one machine or several, share the work: a deployment that wants to
run and has no live owner is claimed with a conditional update (only one claim can match the
row as it was read); the owner heartbeats its rows every tick, and a row whose owner stopped
heartbeating for `stale_after` seconds is taken over. A supervisor that finds a row it ran
now owned by another (or deleted) stops its process.
"""

import ctypes
import logging
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .files import FetchFailed, fetch_files
from .models import Deployment, Desired, Runtime, State
from .runtimes import HEALTH_PATHS, LLM_EXTRA_HINT, needed_files, runner_command, runtime_available
from .secrets import SecretUnreadable
from .status import version_deployed, version_maybe_undeployed
from .upstream import UpstreamRefused, upstream_client, upstream_key

logger = logging.getLogger("modelhub.deployments")

MAX_BACKOFF_SECONDS = 60
LOG_TAIL_LINES = 40
UPSTREAM_CHECK_SECONDS = {True: 15.0, False: 3.0}  # when ready / while not


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 64 * 1024))
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _die_with_parent():
    """Runs in the child before exec: if the supervisor dies without stopping it (SIGKILL),
    the kernel ends the runner too, so no orphan keeps a port and its memory."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


# What a runner inherits from the supervisor's environment: not the hub's secrets (database,
# storage keys, upstream keys), and not PORT, HOST, MODEL… which llama_cpp.server would
# read over its own arguments (honcho sets PORT).
RUNNER_ENV = {"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "LD_LIBRARY_PATH", "VIRTUAL_ENV"}
RUNNER_ENV_PREFIXES = ("LC_", "OMP_", "ORT_", "GGML_", "LLAMA_ARG_")


def runner_environment() -> dict:
    env = {
        name: value
        for name, value in os.environ.items()
        if name in RUNNER_ENV or name.startswith(RUNNER_ENV_PREFIXES)
    }
    return {**env, "ORT_DISABLE_TELEMETRY": "1", "PYTHONUNBUFFERED": "1"}


def spec_of(deployment: Deployment) -> tuple:
    """What the running process was started from: a change means a restart."""
    return (
        deployment.runtime,
        deployment.version_id,
        deployment.file_path,
        deployment.task,
        deployment.threads,
        deployment.context_size,
        deployment.max_concurrency,
    )


@dataclass
class Runner:
    spec: tuple
    process: subprocess.Popen
    port: int
    log_path: Path
    started: float
    ready: bool = False


class Supervisor:
    def __init__(
        self,
        *,
        name: str | None = None,
        capacity: int | None = None,
        stale_after: float = 30.0,
        start_timeout: float = 180.0,
    ):
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.capacity = settings.MODELHUB_MAX_LOCAL_DEPLOYMENTS if capacity is None else capacity
        self.stale_after = stale_after
        self.start_timeout = start_timeout
        self.runners: dict[int, Runner] = {}
        self.failures: dict[int, int] = {}
        self.retry_at: dict[int, float] = {}
        self.upstream_checked: dict[int, float] = {}
        self.logs_dir = Path(settings.MODELHUB_DEPLOY_CACHE_DIR) / "logs"

    # The loop

    def run(self, should_stop, interval: float = 1.0) -> None:
        """Ticks until `should_stop()` is true, then stops every runner it owns."""
        try:
            while not should_stop():
                close_old_connections()
                try:
                    self.tick()
                except Exception:
                    # A database hiccup must not take the runners down with the loop.
                    logger.exception("supervisor tick failed")
                time.sleep(interval)
        finally:
            self.shutdown()
            # The loop may run in a thread of its own: its connection goes with it.
            connection.close()

    def tick(self) -> None:
        now = timezone.now()
        mine = Deployment.objects.filter(supervisor=self.name)
        mine.update(heartbeat_at=now)
        owned = set(mine.values_list("pk", flat=True))
        for pk in list(self.runners):
            if pk not in owned:
                logger.info("deployment %s is no longer ours: stopping its runner", pk)
                self._stop_runner(pk)
        self._claim(now)
        for deployment in mine.select_related("model", "version"):
            self._reconcile(deployment)

    def shutdown(self) -> None:
        for pk in list(self.runners):
            self._stop_runner(pk)
        mine = Deployment.objects.filter(supervisor=self.name)
        was_ready = list(mine.filter(state=State.READY).values_list("version_id", flat=True))
        mine.filter(desired=Desired.RUNNING).update(
            state=State.STARTING,
            base_url="",
            error=_("Its supervisor stopped; waiting for a supervisor to take it over."),
            updated_at=timezone.now(),
        )
        mine.update(supervisor="", heartbeat_at=None)
        for version_id in set(was_ready):
            version_maybe_undeployed(version_id)

    # Claiming

    def _claim(self, now) -> None:
        stale = now - timedelta(seconds=self.stale_after)
        free = Q(supervisor="") | Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=stale)
        candidates = (
            Deployment.objects.wanted_running()
            .filter(free)
            .exclude(supervisor=self.name)
            .order_by("created_at", "id")
        )
        local = Deployment.objects.filter(supervisor=self.name).wanted_running().local().count()
        for candidate in candidates:
            if candidate.is_local and local >= self.capacity:
                continue
            taken = Deployment.objects.filter(
                pk=candidate.pk,
                supervisor=candidate.supervisor,
                heartbeat_at=candidate.heartbeat_at,
            ).update(
                supervisor=self.name,
                heartbeat_at=now,
                state=State.STARTING,
                base_url="",
                updated_at=now,
            )
            if not taken:
                continue
            logger.info(
                "claimed deployment %s (%s)%s",
                candidate.pk,
                candidate.runtime,
                f", taken over from {candidate.supervisor}" if candidate.supervisor else "",
            )
            local += candidate.is_local
            if candidate.state == State.READY:
                version_maybe_undeployed(candidate.version_id)

    # One deployment

    def _set(self, deployment: Deployment, **fields) -> bool:
        """Writes `fields` if the row is still ours; False when it is not any more."""
        fields["updated_at"] = timezone.now()
        written = Deployment.objects.filter(pk=deployment.pk, supervisor=self.name).update(**fields)
        for name, value in fields.items():
            if not hasattr(value, "resolve_expression"):
                setattr(deployment, name, value)
        return bool(written)

    def _reconcile(self, deployment: Deployment) -> None:
        if deployment.desired == Desired.STOPPED:
            self._stop_runner(deployment.pk)
            was_ready = deployment.state == State.READY
            self._set(deployment, state=State.STOPPED, base_url="", supervisor="")
            if was_ready:
                version_maybe_undeployed(deployment.version_id)
            self.failures.pop(deployment.pk, None)
            self.retry_at.pop(deployment.pk, None)
            return
        if deployment.runtime == Runtime.OPENAI:
            self._check_upstream(deployment)
            return
        runner = self.runners.get(deployment.pk)
        if runner is not None and runner.spec != spec_of(deployment):
            logger.info("deployment %s changed: restarting its runner", deployment.pk)
            self._stop_runner(deployment.pk)
            self.failures.pop(deployment.pk, None)
            self.retry_at.pop(deployment.pk, None)
            runner = None
        if runner is None:
            if time.monotonic() >= self.retry_at.get(deployment.pk, 0):
                self._start(deployment)
            return
        code = runner.process.poll()
        if code is not None:
            self._runner_exited(deployment, runner, code)
        elif not runner.ready:
            if self._answers(deployment.runtime, runner.port):
                self._ready(deployment, runner)
            elif time.monotonic() - runner.started > self.start_timeout:
                self._stop_runner(deployment.pk)
                self._failed(
                    deployment,
                    _("The runner did not answer within %(seconds)d seconds.")
                    % {"seconds": self.start_timeout},
                    log_tail(runner.log_path),
                )

    def _start(self, deployment: Deployment) -> None:
        if not runtime_available(deployment.runtime):
            self._failed(deployment, str(LLM_EXTRA_HINT), "")
            return
        try:
            version = deployment.version
            paths = list(version.files.values_list("path", flat=True))
            local_files = fetch_files(version, needed_files(deployment, paths))
        except FetchFailed as exc:
            self._failed(deployment, str(exc), "")
            return
        port = free_port()
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.logs_dir / f"deployment-{deployment.pk}.log"
        command = runner_command(deployment, local_files, port)
        with open(log_path, "wb") as log:
            process = subprocess.Popen(  # noqa: S603 -- our own runner, arguments from the row
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=settings.BASE_DIR,
                env=runner_environment(),
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509
            )
        self.runners[deployment.pk] = Runner(
            spec=spec_of(deployment),
            process=process,
            port=port,
            log_path=log_path,
            started=time.monotonic(),
        )
        logger.info("deployment %s: started %s on port %d", deployment.pk, command[2], port)
        self._set(deployment, state=State.STARTING, base_url="")

    def _answers(self, runtime: str, port: int) -> bool:
        try:
            with httpx.Client(trust_env=False, timeout=1.0) as client:
                response = client.get(f"http://127.0.0.1:{port}{HEALTH_PATHS[runtime]}")
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def _ready(self, deployment: Deployment, runner: Runner) -> None:
        runner.ready = True
        self.failures.pop(deployment.pk, None)
        written = self._set(
            deployment,
            state=State.READY,
            base_url=f"http://127.0.0.1:{runner.port}",
            ready_at=timezone.now(),
            error="",
            log_tail=log_tail(runner.log_path),
        )
        if written:
            logger.info("deployment %s is ready on port %d", deployment.pk, runner.port)
            version_deployed(deployment)

    def _failed(self, deployment: Deployment, error: str, tail: str) -> None:
        failures = self.failures[deployment.pk] = self.failures.get(deployment.pk, 0) + 1
        delay = min(2 ** (failures - 1), MAX_BACKOFF_SECONDS)
        self.retry_at[deployment.pk] = time.monotonic() + delay
        was_ready = deployment.state == State.READY
        self._set(deployment, state=State.FAILED, error=error, log_tail=tail, base_url="")
        logger.warning("deployment %s failed: %s (next try in %d s)", deployment.pk, error, delay)
        if was_ready:
            version_maybe_undeployed(deployment.version_id)

    def _runner_exited(self, deployment: Deployment, runner: Runner, code: int) -> None:
        del self.runners[deployment.pk]
        self._set(deployment, restarts=F("restarts") + 1)
        self._failed(
            deployment,
            _("The runner exited with code %(code)s.") % {"code": code},
            log_tail(runner.log_path),
        )

    def _stop_runner(self, pk: int) -> None:
        runner = self.runners.pop(pk, None)
        if runner is None:
            return
        try:
            os.killpg(runner.process.pid, signal.SIGTERM)
            runner.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(runner.process.pid, signal.SIGKILL)
            runner.process.wait()

    def _check_upstream(self, deployment: Deployment) -> None:
        ready = deployment.state == State.READY
        last = self.upstream_checked.get(deployment.pk)
        if last is not None and time.monotonic() - last < UPSTREAM_CHECK_SECONDS[ready]:
            return
        self.upstream_checked[deployment.pk] = time.monotonic()
        error = ""
        try:
            key = upstream_key(deployment)
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            with upstream_client(deployment.upstream_url, timeout=5.0) as client:
                response = client.get("/v1/models", headers=headers)
            if response.status_code != 200:
                error = _("The upstream answered GET /v1/models with HTTP %(status)d.") % {
                    "status": response.status_code
                }
        except UpstreamRefused as exc:
            error = str(exc)
        except SecretUnreadable:
            error = _("The upstream key cannot be decrypted any more: enter it again.")
        except httpx.HTTPError as exc:
            error = _("The upstream does not answer: %(error)s") % {"error": exc}
        if error:
            if deployment.state != State.FAILED or deployment.error != error:
                self._set(deployment, state=State.FAILED, error=error, base_url="")
                if ready:
                    version_maybe_undeployed(deployment.version_id)
        elif not ready:
            written = self._set(
                deployment,
                state=State.READY,
                base_url=deployment.upstream_url,
                ready_at=timezone.now(),
                error="",
            )
            if written:
                version_deployed(deployment)
