"""The background work of fine-tuning, on the hub's queue (models_app/queue.py)."""

from models_app.queue import task

from .runner import run_job


@task(takes_context=True)
def run_finetune_job(context, job_id: int) -> str:
    """Runs one fine-tune job; its state is the job row's, the return value only a summary."""
    worker_ids = context.task_result.worker_ids
    return run_job(job_id, worker=worker_ids[-1] if worker_ids else "")
