"""gunicorn settings of an application node (docs/deployment.md). Environment:

SKILLREG_LISTEN   address to bind (default 127.0.0.1:8000; nginx is the only client)
SKILLREG_WORKERS  processes (default 2 × cores + 1), SKILLREG_THREADS threads each (default 4)

Graceful restarts: ``systemctl reload skillreg-web`` sends HUP — new workers load the new code, old ones finish
their requests (up to graceful_timeout) and exit; no request is dropped. Workers recycle after max_requests.
"""

import multiprocessing
import os

bind = os.environ.get("SKILLREG_LISTEN", "127.0.0.1:8000")
workers = int(os.environ.get("SKILLREG_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("SKILLREG_THREADS", 4))
wsgi_app = "config.wsgi:application"
timeout = 60
graceful_timeout = 30
# Longer than nginx's upstream keep-alive (60 s, deploy/nginx): nginx closes an idle connection first, so it never
# sends a request on a connection gunicorn is closing (a reset nginx cannot retry for a POST). Measured: with 5 s
# here and workers recycled every 10,000 requests, 2 of 741,183 soak requests got a 502 (docs/performance.md).
keepalive = 75
# No recycling by default (SKILLREG_MAX_REQUESTS to turn it on against a leak): a worker that exits drops its
# idle keep-alive connections, the same race.
max_requests = int(os.environ.get("SKILLREG_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
# Only nginx on this host or the load balancer's address may set X-Forwarded-*.
forwarded_allow_ips = os.environ.get("SKILLREG_FORWARDED_ALLOW_IPS", "127.0.0.1")
limit_request_line = 8190
limit_request_fields = 100
# Access log as JSON lines on stdout (journald), with nginx's request id; the application's own log lines carry
# the same id (skillreg.core.requestlog).
accesslog = "-"
access_log_format = (
    '{"time":"%(t)s","request_id":"%({x-request-id}i)s","remote":"%({x-forwarded-for}i)s","method":"%(m)s",'
    '"path":"%(U)s","status":%(s)s,"bytes":"%(B)s","duration_us":%(D)s,"agent":"%(a)s"}'
)
errorlog = "-"
loglevel = os.environ.get("SKILLREG_GUNICORN_LOG_LEVEL", "warning")
proc_name = os.environ.get("SKILLREG_NODE_NAME", "skillreg")
