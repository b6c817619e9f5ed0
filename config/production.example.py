"""A documented production configuration. Copy it, edit it, and point SURVEY_CONFIG at the copy.

Every setting of ``config/default.py`` is listed here with what it does; a test checks this.
Each can also be given as an environment variable ``SURVEY_<NAME>`` (for example
``SURVEY_DATABASE_URL``), which wins over this file.
"""

# SECRET_KEY: a long random string (``python -c "import secrets; print(secrets.token_urlsafe(48))"``).
# It signs session cookies and derives the key wrapping each round's token signing key: changing it
# while a round is collecting makes that round unable to issue tokens.
SECRET_KEY = "change-me-to-a-long-random-string"
# SECRET_KEY_FILE: alternatively, a file holding the key (relative to the instance folder).
SECRET_KEY_FILE = "secret_key"

# DATABASE_URL: PostgreSQL for several app processes or hosts; SQLite (None) for one host.
DATABASE_URL = "postgresql+psycopg://survey@127.0.0.1:5432/survey"
# SQLITE_BUSY_TIMEOUT: seconds a SQLite writer waits for the write lock.
SQLITE_BUSY_TIMEOUT = 10

# PUBLIC_URL: the address officers' phones reach; it goes into invitation links and slips.
# Use HTTPS: browsers only offer WebCrypto on secure origins.
PUBLIC_URL = "https://survey.example.org"
# LOCAL_URL: without PUBLIC_URL, the address the command line prints (pages then use the address
# their request came to). Set PUBLIC_URL in production: a Host header is not an address to trust.
LOCAL_URL = "http://127.0.0.1:5000"
# TIMEZONE: deadlines without an offset and dates shown to people use this zone.
TIMEZONE = "Asia/Shanghai"

# LANGUAGES: interface languages, the first being the default. BABEL_DEFAULT_LOCALE must match it.
LANGUAGES = ["zh", "en"]
# BABEL_DEFAULT_LOCALE: the language shown when a visitor states no preference.
BABEL_DEFAULT_LOCALE = "zh"
# BABEL_DEFAULT_TIMEZONE: time zone Flask-Babel formats dates in; keep it equal to TIMEZONE.
BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

# SESSION_COOKIE_HTTPONLY: scripts cannot read the staff session cookie.
SESSION_COOKIE_HTTPONLY = True
# SESSION_COOKIE_SAMESITE: the cookie is not sent on cross-site form posts.
SESSION_COOKIE_SAMESITE = "Lax"
# SESSION_COOKIE_SECURE: the cookie travels over HTTPS only; required in production.
SESSION_COOKIE_SECURE = True
# SESSION_COOKIE_NAME: name of the staff session cookie.
SESSION_COOKIE_NAME = "survey_session"
# PERMANENT_SESSION_LIFETIME: seconds a staff login lasts.
PERMANENT_SESSION_LIFETIME = 8 * 3600

# WTF_CSRF_ENABLED: CSRF tokens on every staff form. Never switch off in production.
WTF_CSRF_ENABLED = True
# WTF_CSRF_TIME_LIMIT: seconds a form's CSRF token stays valid.
WTF_CSRF_TIME_LIMIT = 8 * 3600

# RATELIMIT_STORAGE_URI: where rate-limit counters live; one Redis shared by all app processes and
# hosts (``pip install survey[redis]``). ``memory://`` would count per worker process.
RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"
# RATELIMIT_ENABLED: switch all rate limits on or off.
RATELIMIT_ENABLED = True
# LOGIN_LIMIT_PER_ACCOUNT: failed logins allowed for one username in a window.
LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
# LOGIN_LIMIT_PER_CLIENT: failed logins allowed from one client address in a window.
LOGIN_LIMIT_PER_CLIENT = "30 per 15 minutes"
# LOGIN_LIMIT_PER_DEVICE: failed logins allowed from a browser that logged in to the account before
# (signed device cookie, as OWASP describes). Strangers cannot use it up, so they cannot lock out the
# account's owner, e.g. a custodian at unseal time.
LOGIN_LIMIT_PER_DEVICE = "10 per 15 minutes"
# DEVICE_COOKIE_DAYS: days a browser stays known after its last successful login to an account.
DEVICE_COOKIE_DAYS = 180
# TRUSTED_PROXIES: how many reverse proxies (load balancer, nginx) stand in front of the app and set
# X-Forwarded-For and X-Forwarded-Proto. Set it exactly: too low and every login seems to come from
# the proxy (one client for the throttle); too high and clients can forge their address.
TRUSTED_PROXIES = 1
# TOKEN_RATE_LIMIT: tokens issued per window for the whole site (global, never per address); only
# invitations found unused count, never junk. The default suits a county (~5,000 officers).
TOKEN_RATE_LIMIT = "3000 per minute"
# ANSWER_RATE_LIMIT: answers stored per window for the whole site (global, never per address); only
# answers whose token verified count, never junk. See docs/limits.md.
ANSWER_RATE_LIMIT = "3000 per minute"

# MAX_CONTENT_LENGTH: largest request body in bytes; larger ones get 413.
MAX_CONTENT_LENGTH = 128 * 1024

# PRODUCTION: marks a production deployment; the demo data refuses to load, HSTS is sent, and the
# app refuses to start with OPENING_ARGON2_* below 64 MiB and 3 passes (RFC 9106).
PRODUCTION = True
# HSTS_SECONDS: how long browsers must use HTTPS only for this site (Strict-Transport-Security).
# A year; with PRODUCTION a year is sent even when this is 0.
HSTS_SECONDS = 365 * 24 * 3600

# OPENING_ARGON2_MEMORY_KIB: memory (KiB) of the Argon2id run that stretches each opening-code part.
OPENING_ARGON2_MEMORY_KIB = 65536
# OPENING_ARGON2_TIME_COST: passes of that Argon2id run. Each round keeps the values it opened with.
OPENING_ARGON2_TIME_COST = 3

# UNSEAL_PART_MINUTES: at unseal, how long the first custodian's part is kept (encrypted under the
# secret key, in the database) while the second custodian logs in on their own device to give theirs.
UNSEAL_PART_MINUTES = 15

# ANSWER_MAX_CHARS: the longest answer to one section, in characters, announced to the phone page.
ANSWER_MAX_CHARS = 2000

# SEND_FILE_MAX_AGE_DEFAULT: seconds browsers reuse static files without asking again (saves a
# round trip per file on a slow mobile network; after an upgrade, old files may linger that long).
SEND_FILE_MAX_AGE_DEFAULT = 3600

# REWRITE_STORAGE_AFTER_UNSEAL: rewrite the database files after unseal and after discard so that
# no sealed bytes and no arrival order can be recovered from them, and after an item's text is
# edited so that the old text cannot be. Keep it True.
REWRITE_STORAGE_AFTER_UNSEAL = True
# STORAGE_REWRITE_TIMEOUT: seconds the rewrite waits for other sessions (a backup, a reader, any
# older transaction on the PostgreSQL server) before it gives up; the committee then sees the
# rewrite as pending and runs it again (or `survey round rewrite-storage ROUND_ID`).
STORAGE_REWRITE_TIMEOUT = 30
