"""gunicorn settings for one Linli web instance (deploy/systemd/linli-web@.service starts one per port).

Each instance listens on 127.0.0.1:PORT (the unit passes --bind); nginx balances over the instances. Figures and
the reasoning are in docs/deploy.md ("Topology" and "Scale-out").
"""

import multiprocessing
import os

# Sync workers: Linli's views are short database work; a slow client is nginx's business (it buffers requests
# and responses), not gunicorn's. 2 × cores + 1 per machine, divided among the instances on it.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count() + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The largest upload (LINLI_UPLOAD_MAX_DOCUMENT_MB, 20 MB) arrives from nginx at local speed; an export of a
# street's registry takes a few seconds. Anything over this is killed and logged.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # seconds: nginx keeps its upstream connections open (keepalive in deploy/nginx/linli.conf)
# Recycle a worker now and then (a slow leak in a library never grows without bound).
max_requests = 2000
max_requests_jitter = 200
# Only our own nginx talks to gunicorn: trust its X-Forwarded-* from the loopback address only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Logs to stdout/stderr: journald keeps them (journalctl -u 'linli-web@*').
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The access log names the request id (set by nginx, echoed by Linli in X-Request-ID), so an access line, the
# application's log lines and the tasks the request queued can be found together. No query string (%(U)s): it may
# carry a search term with a phone number.
access_log_format = ('%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s')
# Load the application before forking: the workers share its memory and a broken setting fails at start.
preload_app = True
proc_name = "linli-web"
