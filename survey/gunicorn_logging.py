"""Gunicorn's access log without the officers' paths (DESIGN.md section 3).

Used by ``config/gunicorn.conf.py``: ``logger_class = "survey.gunicorn_logging.QuietAccessLogger"``.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from survey.security import is_quiet_path


class QuietAccessLogger(Logger):
    """Writes no access line for ``/i``, ``/a/…`` or ``/api/v1…``: no address next to an answer."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if is_quiet_path(environ.get("PATH_INFO", "")):
            return
        super().access(resp, req, environ, request_time)
