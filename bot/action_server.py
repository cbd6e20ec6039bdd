"""`python -m bot.action_server --port P`: rasa-sdk's action server, answering only the engine.

rasa-sdk runs any action for any tracker posted to /webhook, so any local process could file
or read a ticket as any resident. The engine sends the action token (Rasa's action endpoint
`token`, as the `token` query parameter); calls without it get 401. The token comes from the
environment (`JIAMENKOU_ACTION_TOKEN`), never the command line.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app_for_serve
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.engine.environment import ACTION_TOKEN_VARIABLE
from bot.privacy import install_process_masking

TOKEN_VARIABLE = ACTION_TOKEN_VARIABLE
OPEN_PATHS = frozenset({"/health"})  # readiness checks carry no tracker

logger = logging.getLogger(__name__)


def guarded_app(executor: ActionExecutor, token: str, **options: Any) -> Sanic[Any, Any]:
    """rasa-sdk's app with the token check in front."""
    install_process_masking()
    app: Sanic[Any, Any] = create_app_for_serve(executor, cors_origins=None, **options)
    expected = token.encode()

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = (request.args.get("token") or "").encode()
        if hmac.compare_digest(given, expected):
            return None
        logger.warning("action call without the engine's token refused")
        return response.json({"error": "unauthorised"}, status=401)

    app.on_request(require_token)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        print(f"{TOKEN_VARIABLE} is not set: refusing to serve actions to anyone", file=sys.stderr)
        return 2
    install_process_masking()
    utils.configure_colored_logging("INFO")
    install_process_masking()  # the handler coloredlogs just added
    utils.update_sanic_log_level()
    executor = ActionExecutor()
    executor.register_package(args.actions)
    app = guarded_app(executor, token)
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    # No access log: its request lines would carry the token in the query string. One
    # process, no worker manager: the manager kills a worker that has not reported ready
    # within a fixed 30 s, which a loaded machine exceeds while importing the actions.
    # More action servers behind the balancer give more processes.
    app.prepare(host=host, port=args.port, single_process=True, access_log=False)
    logger.info("action server on http://%s:%s (token required)", host, args.port)
    Sanic.serve_single(primary=app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
