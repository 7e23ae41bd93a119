"""Starting and stopping a training process (no Django here). The training runs in its own
process group, so a cancel stops it and whatever it started; and it dies with the worker
that started it, even one killed with SIGKILL."""

import contextlib
import ctypes
import os
import signal
import subprocess
from pathlib import Path

import models_app

KILL_GRACE_SECONDS = 3


def _pdeathsig():
    # The training must not outlive a worker that was killed (SIGKILL gives it no chance to
    # clean up): the kernel sends the child SIGKILL when its parent dies.
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def spawn(argv: list[str], cwd: Path, stderr) -> subprocess.Popen:
    # The child imports models_app from where this process did (a checkout may not be the
    # installed one).
    root = str(Path(models_app.__file__).resolve().parent.parent)
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH", "")]))
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": path}
    return subprocess.Popen(  # noqa: S603 (argv from a recipe or an administrator's command)
        argv,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=stderr,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        preexec_fn=_pdeathsig,  # noqa: PLW1509
        text=True,
        errors="replace",
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the training's process group, SIGKILL after a grace period."""
    for sig, wait in ((signal.SIGTERM, KILL_GRACE_SECONDS), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue
