"""gunicorn settings for production: `gunicorn -c glossary_api/gunicorn.py`.

Every value comes from the environment; the access log is one line per
request on standard output.
"""

import importlib
import multiprocessing
import os
import sys

wsgi_app = "glossary_api.wsgi:application"
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Behind a proxy: trust its X-Forwarded-* headers (comma-separated addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's maximum (its default is 4094): longer addresses reach the app,
# which answers those over its own limit with a JSON 414 (terms/api/limits.py)
# rather than gunicorn's HTML page.
limit_request_line = 8190
accesslog = "-"
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" request_id=%({x-request-id}i)s'
)
errorlog = "-"


def on_starting(server):
    """Settings that do not load stop gunicorn here with one line, rather
    than each worker with a traceback and gunicorn with "Worker failed to
    boot". The master then forgets what the check imported: workers import
    the app after they fork, so that a HUP after a deploy starts new code."""
    before = set(sys.modules)
    try:
        from glossary_api import startup

        module = "glossary_api.settings"
        module = os.environ.setdefault("DJANGO_SETTINGS_MODULE", module)
        startup.run(importlib.import_module, module)
    finally:
        for name in set(sys.modules) - before:
            del sys.modules[name]
