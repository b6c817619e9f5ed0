"""Gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py "survey:create_app()"``.

App processes are stateless: run as many workers or hosts as needed against one PostgreSQL and,
for rate limits, one Redis (RATELIMIT_STORAGE_URI).
"""

import os

bind = os.environ.get("SURVEY_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("SURVEY_WORKERS", "2"))
# Token issuance signs with RSA: CPU-bound, so one thread per worker.
threads = 1
timeout = 30
# The access log never names the officers' paths, and never records client addresses.
accesslog = "-"
logger_class = "survey.gunicorn_logging.QuietAccessLogger"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
# Behind a TLS-terminating proxy on the same host.
forwarded_allow_ips = "127.0.0.1"
