import signal
import threading

from terms.management.base import BaseCommand
from terms.outbox.worker import Worker


class Command(BaseCommand):
    help = (
        "Send webhooks and CDN purges for what changed (terms/outbox/): runs "
        "until stopped (SIGTERM or Ctrl-C finishes what is in flight)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Send what is due now, then stop (for cron or a check).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="Seconds between looks at the change log when idle.",
        )

    def handle(self, *args, once, interval, **options):
        worker = Worker()
        if once:
            worker.run_until_idle()
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("Outbox worker running: sending webhooks and purges.")
        worker.run(stop, interval)
