"""gunicorn configuration for production: ``gunicorn -c gunicorn.conf.py``.

Everything comes from the environment so one file serves every installation;
see docs/deploy.md.
"""

import os

wsgi_app = "training.wsgi:application"

# Behind the reverse proxy on the same host by default; a socket path works too
# (GUNICORN_BIND=unix:/run/fortbildung/gunicorn.sock).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: two per machine like ours (2 cores); raise with the cores.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Restart workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# Logs to stdout/stderr, collected by systemd's journal (or the container runtime).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The access log omits the query string, so search words stay out of it.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# Trust X-Forwarded-* only from the local reverse proxy.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn's control socket (gunicornc) is not used; without it two instances on one
# host cannot collide on the default socket path in the home directory.
control_socket_disable = True


def post_worker_init(worker):
    """After the worker loaded the application: see ``training/startup.py``."""
    from training.startup import worker_ready

    worker_ready()
