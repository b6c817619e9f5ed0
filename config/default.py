"""Default settings. Every key here is documented in ``config/production.example.py``.

Layers, each overriding the one before: this file, then the file named by ``SURVEY_CONFIG``,
then ``SURVEY_<KEY>`` environment variables, then the overrides passed to ``create_app``.
"""

# Signs session cookies and derives the key that wraps each round's token signing key.
# None means: read it from SECRET_KEY_FILE; outside debug and testing, requests are refused
# until a real key is configured.
SECRET_KEY = None
# A file holding the secret key (created by ``make run`` for local use). Relative to the instance folder.
SECRET_KEY_FILE = "secret_key"

# SQLAlchemy URL. None means SQLite in the instance folder (``survey.db``), WAL mode.
# ``postgresql+psycopg://user@host/dbname`` selects PostgreSQL.
DATABASE_URL = None
# Seconds a SQLite writer waits for the lock before giving up.
SQLITE_BUSY_TIMEOUT = 10

# Base address printed in invitation links, slips, posters and CLI output. None means: a page
# uses the address its request came to (so another port or host just works), and the command
# line uses LOCAL_URL.
PUBLIC_URL = None
# The address the command line prints when PUBLIC_URL is not set; ``make run`` sets it from
# HOST, PORT and HTTPS.
LOCAL_URL = "http://127.0.0.1:5000"
# Time zone for deadlines given without an offset and for dates shown to people.
TIMEZONE = "Asia/Shanghai"

# Languages offered in the interface; the first is the default.
LANGUAGES = ["zh", "en"]
BABEL_DEFAULT_LOCALE = "zh"
BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

# Session cookie: HttpOnly and SameSite=Lax always; Secure must be True in production (HTTPS).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "survey_session"
PERMANENT_SESSION_LIFETIME = 8 * 3600

# CSRF protection of every cookie-authenticated form (Flask-WTF).
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = 8 * 3600

# Rate limits (Flask-Limiter). ``memory://`` counts per process: with several gunicorn workers or
# app hosts use one shared store, ``redis://127.0.0.1:6379/0`` (needs ``pip install survey[redis]``).
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_ENABLED = True
# Failed-login throttles: per account and per client address.
LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
LOGIN_LIMIT_PER_CLIENT = "30 per 15 minutes"
# Failed logins allowed from a browser that logged in to the account before (its device cookie);
# strangers' failures never count here, so they cannot lock the account's owner out.
LOGIN_LIMIT_PER_DEVICE = "10 per 15 minutes"
# Days a browser's device cookie is remembered after its last successful login.
DEVICE_COOKIE_DAYS = 180
# Reverse proxies in front of the app that set X-Forwarded-For/-Proto (0: none, trust nothing).
# Behind one, 1 lets the per-client login limit see the real client instead of the proxy.
TRUSTED_PROXIES = 0
# Global (never per address) limits on the officers' API, fixed windows over the whole site.
# Only real work counts (survey/api/limits.py): a token issued for an invitation found unused, an
# answer whose token verified and that was stored; junk never does. Sized for a county's worth of
# branches on one server: about 60 branches and up to 5,000 officers, who may all answer within a
# few minutes when branches hold their meetings on the same morning. 3,000 a minute (50 a second)
# lets a whole county through in two minutes, stays far below what one 2-core server handles
# (docs/performance.md), and a phone that gets 429 retries by itself. With several app processes
# or hosts, set RATELIMIT_STORAGE_URI to one Redis so they share the count (docs/limits.md).
TOKEN_RATE_LIMIT = "3000 per minute"
ANSWER_RATE_LIMIT = "3000 per minute"

# Largest request body accepted, in bytes (the officers' API answers 413 above it).
MAX_CONTENT_LENGTH = 128 * 1024

# Marks a production deployment: the demo refuses to load, cookies must be Secure, HSTS is sent,
# and the app refuses to start with an opening-code Argon2id cost below 64 MiB and 3 passes.
PRODUCTION = False
# Seconds of Strict-Transport-Security sent with every response (0: none). Production sends a year
# when this is 0.
HSTS_SECONDS = 0

# Argon2id cost of deriving keys from the opening code (memory in KiB, passes). Raising them
# makes guessing a part slower; each round records the values it was opened with.
OPENING_ARGON2_MEMORY_KIB = 65536
OPENING_ARGON2_TIME_COST = 3

# Minutes the first custodian's part of the opening code is kept (encrypted) at unseal while the
# second custodian logs in to give theirs; afterwards it must be given again.
UNSEAL_PART_MINUTES = 15

# Longest answer per section, in Unicode code points (the page also keeps the whole answer
# within the largest sealed size).
ANSWER_MAX_CHARS = 2000

# Seconds phones and browsers may reuse static files (scripts, styles) without asking again.
SEND_FILE_MAX_AGE_DEFAULT = 3600

# After unseal and after discard, rewrite the database storage (SQLite VACUUM and WAL checkpoint,
# PostgreSQL CLUSTER of every table and a WAL switch) so no sealed bytes or arrival order survive
# in its files; after the committee rewrites an item's text, the same, so the old text does not
# survive. Only tests switch it off (an unsealed round then stays marked "rewrite pending").
REWRITE_STORAGE_AFTER_UNSEAL = True
# Seconds the rewrite waits for locks, readers and older transactions before it gives up (the
# round stays marked and the rewrite can be run again).
STORAGE_REWRITE_TIMEOUT = 30
