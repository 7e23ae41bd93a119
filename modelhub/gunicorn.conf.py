"""gunicorn settings for ModelHub: `gunicorn -c modelhub/gunicorn.conf.py`.

Every value can be changed from the environment (see docs/deploy.md); command-line options
such as `--bind` still win over this file.
"""

import ipaddress
import multiprocessing
import os

from modelhub.logformat import logging_config

wsgi_app = "modelhub.wsgi:application"
bind = os.environ.get("MODELHUB_BIND", "127.0.0.1:8000")

# Threads, not only processes: an upload or download of tens of GB keeps one thread busy for
# as long as it lasts, and the others go on serving pages. The worker's heartbeat does not
# depend on a request finishing, so a long transfer is never killed by `timeout`.
worker_class = "gthread"
workers = int(os.environ.get("MODELHUB_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("MODELHUB_WEB_THREADS", 8))
# Seconds a worker may stay silent before the arbiter restarts it.
timeout = int(os.environ.get("MODELHUB_WEB_TIMEOUT", 120))
# On reload or shutdown, running transfers get this long to finish.
graceful_timeout = int(os.environ.get("MODELHUB_WEB_GRACEFUL_TIMEOUT", 300))
keepalive = 5
# Recycle workers now and then so slow leaks cannot build up; the jitter staggers restarts.
# Not too often: a new worker spends about a second of CPU importing Django and the apps,
# and at 2000 a busy gateway (a few hundred requests a second) recycled every worker every
# few seconds, 0.6 ms of CPU per request (bench/README.md, issue 13).
max_requests = int(os.environ.get("MODELHUB_WEB_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10

# The reverse proxy that may set X-Forwarded-Proto for gunicorn itself (Django reads the same
# header through SECURE_PROXY_SSL_HEADER; MODELHUB_TRUSTED_PROXIES governs X-Forwarded-For).
_proxies = [e.strip() for e in os.environ.get("MODELHUB_TRUSTED_PROXIES", "").split(",")]
forwarded_allow_ips = (
    ",".join(str(ipaddress.ip_network(e, strict=False)) for e in _proxies if e) or "127.0.0.1,::1"
)

# Heartbeat files in memory, not on a possibly slow or read-only disk (containers).
_SHM = "/dev/shm"  # noqa: S108 (gunicorn makes its heartbeat files with mkstemp)
if os.path.isdir(_SHM):
    worker_tmp_dir = _SHM

# No control socket in $HOME: several instances on one machine would fight over it.
control_socket_disable = os.environ.get("MODELHUB_GUNICORN_CONTROL_SOCKET", "0") != "1"

# Access log on stdout, errors on stderr, as plain lines or one JSON object per line. The
# formatters of `logging_config` cut invitation tokens out of every line (request line,
# query, referer), so the `%(r)s` and `%(f)s` atoms below never carry one into the log.
accesslog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
errorlog = "-"
loglevel = os.environ.get("MODELHUB_LOG_LEVEL", "info").lower()
logconfig_dict = logging_config(
    os.environ.get("MODELHUB_LOG_FORMAT", "plain"), loglevel.upper(), gunicorn=True
)


def _django_ready() -> bool:
    """Whether the worker serves ModelHub (another WSGI app may be given on the command
    line, as the benchmarks do)."""
    from django.apps import apps

    return apps.ready


def post_worker_init(worker):
    """The gateway's usage rows are queued and written once a second by a thread of the
    worker, instead of one insert and commit on each request's path."""
    if _django_ready():
        from models_app.deployments.usage import start_usage_writer

        start_usage_writer()


def worker_exit(server, worker):
    """What the worker queued is written before it goes (recycled, reloaded, stopped)."""
    if _django_ready():
        from models_app.deployments.usage import stop_usage_writer

        stop_usage_writer()
