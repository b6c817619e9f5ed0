"""The address officers' phones reach, for invitation links, slips, posters and QR codes.

``PUBLIC_URL`` wins when it is set (production sets it). Without it a page uses the address its
own request came to, so a site served on another port or host (``make run PORT=5101``, or a
laptop's Wi-Fi address) prints links that work; the command line, which has no request, uses
``LOCAL_URL`` (``make run`` sets it from ``HOST``, ``PORT`` and ``HTTPS``).
"""

from __future__ import annotations

from flask import current_app, has_request_context, request


def public_url() -> str:
    """The base address without a trailing slash."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return str(current_app.config["LOCAL_URL"]).rstrip("/")
