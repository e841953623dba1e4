"""gunicorn settings of egov-portal: `make serve`, deploy/egov-portal.service and
tests/test_production.py all start gunicorn with ``-c deploy/gunicorn.conf.py``.

The portal's own settings come from the environment (README, "Configuration"); these two
variables shape gunicorn itself:

* ``GUNICORN_BIND`` — where to listen, default ``127.0.0.1:8000`` (nginx proxies to it;
  ``unix:/run/egov-portal/gunicorn.sock`` works too);
* ``WEB_CONCURRENCY`` — worker processes, default 2 × cores + 1 (at most 9).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
# Sync workers: every request is short except the PDFs and exports, which a 60 s limit covers
# (batches of letters run in the Celery worker). nginx waits a little longer (75 s).
worker_class = "sync"
timeout = 60
graceful_timeout = 30
# Replace a worker after about 2,000 requests, so that memory WeasyPrint keeps after a large
# PDF is given back; the jitter keeps the workers from restarting together.
max_requests = 2000
max_requests_jitter = 200
# Logs on stderr: journald (systemd) or the terminal (make serve) keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only the local proxy may say which address a request came from.
forwarded_allow_ips = "127.0.0.1,::1"
# No control socket (gunicorn 25.1+ opens one in $HOME by default, where two instances on
# one machine would take it from each other); systemd reloads with SIGHUP.
control_socket_disable = True
