import signal
import threading

from django.core.management.base import BaseCommand

from models_app.deployments.supervisor import Supervisor


class Command(BaseCommand):
    help = (
        "The deployments supervisor: starts, health-checks, restarts and stops the runner "
        "of every deployment that wants to run, found in the database. Several may run, on "
        "several machines; each claims what no live supervisor owns. Stops its runners on "
        "SIGINT or SIGTERM."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between two rounds (1)."
        )
        parser.add_argument(
            "--capacity",
            type=int,
            default=None,
            help="Local runners at most (default MODELHUB_MAX_LOCAL_DEPLOYMENTS).",
        )
        parser.add_argument(
            "--stale-after",
            type=float,
            default=30.0,
            help="Take over deployments whose supervisor has not heartbeated for this long.",
        )

    def handle(self, *args, interval, capacity, stale_after, **options):
        stop = threading.Event()

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        supervisor = Supervisor(capacity=capacity, stale_after=stale_after)
        self.stdout.write(
            f"run_deployments {supervisor.name}: up to {supervisor.capacity} local runners; "
            "Ctrl-C stops them."
        )
        supervisor.run(stop.is_set, interval=interval)
        self.stdout.write("run_deployments: stopped")
