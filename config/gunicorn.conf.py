"""Gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py "survey:create_app()"``.

App processes are stateless: run as many workers or hosts as needed against one PostgreSQL and,
for rate limits, one Redis (RATELIMIT_STORAGE_URI). docs/deploy.md explains each setting;
docs/performance.md has the measurements behind the slow-client ones.

Environment: SURVEY_BIND (127.0.0.1:8000), SURVEY_WORKERS (2: one per core),
SURVEY_THREADS (16 per worker), SURVEY_BODY_TIMEOUT (20 seconds for a whole request body),
SURVEY_APP_THREADS (4 of them in the app at once), SURVEY_WORKER_CLASS (gthread).
"""

import os

bind = os.environ.get("SURVEY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SURVEY_WORKERS", "2"))
# Threaded workers: a phone that sends its body slowly, or stops half-way, holds one thread of
# one worker, never the worker. RSA signing is CPU-bound, so more threads do not sign faster;
# they are there to wait on slow networks while the others keep serving.
worker_class = os.environ.get("SURVEY_WORKER_CLASS", "gthread")
threads = int(os.environ.get("SURVEY_THREADS", "16"))
# Each body is read whole before the app sees it, within this many seconds in all (then 503,
# timeout, with Retry-After, so the phone sends it again):
# the largest answer (about 88 KB as JSON) needs 4.4 KB/s to make it, slower than any 2G link.
body_timeout = float(os.environ.get("SURVEY_BODY_TIMEOUT", "20"))
# Of those threads, how many may run the app at once (after their body is in): the app's work is
# CPU and database, so more at once in one process only stretches each transaction (on SQLite,
# the write lock) while threads take turns on the GIL. 0: no limit.
app_threads = int(os.environ.get("SURVEY_APP_THREADS", "4"))
# Seconds of silence before a worker is restarted (threads still answer the heartbeat).
timeout = 30
graceful_timeout = 30
# Idle kept-alive connections wait in the poller, not in a thread.
keepalive = 5
# The access log never names the officers' paths, and never records client addresses.
accesslog = "-"
logger_class = "survey.gunicorn_logging.QuietAccessLogger"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# Behind a TLS-terminating proxy on the same host.
forwarded_allow_ips = "127.0.0.1"


def post_worker_init(worker):
    """Read request bodies whole, within ``body_timeout``, before the app (survey.slow_clients)."""
    if body_timeout > 0:  # 0 switches it off (only bench/slow_clients.py does, to compare)
        from survey.slow_clients import install

        install(worker, body_timeout, app_threads)
