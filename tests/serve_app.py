"""Serve the app in a process of its own: ``python -m tests.serve_app SETTINGS_JSON INSTANCE``.

Prints the port on its first line of output once it listens, then serves until killed. Tests use
it for what one process cannot show, such as several app processes sharing one limit.
"""

from __future__ import annotations

import json
import sys

from werkzeug.serving import make_server

from survey import create_app


def main() -> None:
    settings, instance = json.loads(sys.argv[1]), sys.argv[2]
    app = create_app(settings, instance_path=instance)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
