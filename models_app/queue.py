"""The one place the hub names its task framework: the `django-tasks` backport today, Django
6's own `django.tasks` tomorrow (then only these imports change). Apps declare background
work with `task` and enqueue it with `enqueue(task, …)`, never touching a backend."""

from django.conf import settings
from django_tasks import TaskResultStatus, task, task_backends

__all__ = ["TaskResultStatus", "task", "enqueue", "backend_name"]


def enqueue(work, *args, **kwargs):
    """Puts `work` on the hub's queue (settings.TASKS_QUEUE) of the configured backend."""
    return work.using(queue_name=settings.TASKS_QUEUE).enqueue(*args, **kwargs)


def backend_name() -> str:
    """ "database" or "rq": which queue the jobs of this process go to."""
    backend = task_backends["default"]
    return "rq" if type(backend).__name__ == "RQBackend" else "database"
