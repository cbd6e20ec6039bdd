"""The engine's calls to the action server without per-call waste: one kept-alive HTTP
session per endpoint, and the domain sent once instead of with every call.

Rasa 3.6's `EndpointConfig.request` opens a new `aiohttp.ClientSession` for every call, so every
custom action (several per turn in a form) pays a TCP connect and a session set-up, and leaves a
socket in TIME_WAIT. `install()` replaces that method with one that keeps a session per
endpoint and event loop. The action server keeps idle connections for 120 s (Sanic's
default), longer than the 60 s this side keeps them, so a reused connection has not been closed
under it.

Rasa 3.6 also serialises the whole domain (every response, slot and form) into every action
call. rasa-sdk keeps the domain it was last sent together with its digest and answers 449
when a call carries an unknown digest and no domain; so each call carries the digest, the
domain goes only to an action server that has not acknowledged it yet, and a 449 (that server
restarted) is answered by sending the call again with the domain — rasa-sdk refuses before it
runs the action, so nothing runs twice.

Rasa checks every action server answer against its events schema with `jsonschema.validate`,
which checks the schema itself against the meta-schema and builds a validator first, every
time: about 45 % of the engine's CPU in a turn with an action (bench/RESULTS.md). The same
check runs here with one validator built once.

`JIAMENKOU_ACTION_POOL=0` keeps Rasa's behaviour (the benchmark's baseline).
"""

from __future__ import annotations

import asyncio
import os
import ssl
from typing import Any

POOL_VARIABLE = "JIAMENKOU_ACTION_POOL"
KEEPALIVE_S = 60.0
MAX_CONNECTIONS = 64  # concurrent action calls from one engine process


def install() -> bool:
    """Patch Rasa's endpoint client unless the pool is switched off; whether it was patched."""
    if os.environ.get(POOL_VARIABLE, "1") == "0":
        return False
    import aiohttp
    from aiohttp import ContentTypeError
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.trackers import EventVerbosity
    from rasa.utils.endpoints import (
        DEFAULT_REQUEST_TIMEOUT,
        ClientResponseError,
        EndpointConfig,
        concat_url,
    )

    sessions: dict[tuple[int, int], aiohttp.ClientSession] = {}
    # digest -> domain (kept so the digest can be computed once per loaded model), and the
    # (action server URL, digest) pairs whose server has the domain.
    domains: dict[str, Any] = {}
    digest_of: dict[int, tuple[Any, str]] = {}
    acknowledged: set[tuple[str, str]] = set()

    def digest(domain: Any) -> str:
        known = digest_of.get(id(domain))
        if known is None or known[0] is not domain:
            known = (domain, domain.fingerprint())
            digest_of[id(domain)] = known
            domains[known[1]] = domain
        return known[1]

    def action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        import rasa

        key = digest(domain)
        body: dict[str, Any] = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": tracker.current_state(EventVerbosity.ALL),
            "version": rasa.__version__,
            "domain_digest": key,
        }
        endpoint = self.action_endpoint
        if endpoint is None or (endpoint.url, key) not in acknowledged:
            body["domain"] = domain.as_dict()
        return body

    def session_for(config: EndpointConfig) -> aiohttp.ClientSession:
        key = (id(config), id(asyncio.get_running_loop()))
        session = sessions.get(key)
        if session is None or session.closed:
            auth = (
                aiohttp.BasicAuth(config.basic_auth["username"], config.basic_auth["password"])
                if config.basic_auth
                else None
            )
            sslcontext = ssl.create_default_context(cafile=config.cafile) if config.cafile else None
            connector = aiohttp.TCPConnector(
                limit=MAX_CONNECTIONS, keepalive_timeout=KEEPALIVE_S, ssl=sslcontext
            )
            session = aiohttp.ClientSession(
                connector=connector,
                headers=config.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            )
            sessions[key] = session
        return session

    async def request(
        self: EndpointConfig,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        # Same contract as Rasa's method (headers, token parameter, errors); only the session
        # outlives the call.
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        headers.update(self.headers or {})
        params = self.combine_parameters(kwargs)
        body = kwargs.get("json")
        key = body.get("domain_digest") if isinstance(body, dict) else None
        for attempt in (1, 2):
            async with session_for(self).request(
                method,
                concat_url(self.url, subpath),
                headers=headers,
                params=params,
                compress=compress,
                **kwargs,
            ) as response:
                if response.status == 449 and key in domains and attempt == 1:
                    # The action server does not have this domain (it restarted): again, with it.
                    acknowledged.discard((self.url, key))
                    kwargs["json"] = {**body, "domain": domains[key].as_dict()}
                    continue
                if response.status >= 400:
                    raise ClientResponseError(
                        response.status, response.reason, await response.content.read()
                    )
                if key is not None and "domain" in kwargs["json"]:
                    acknowledged.add((self.url, key))
                try:
                    return await response.json()
                except ContentTypeError:
                    return None
        return None

    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as e:
            e.message += (
                ". Failed to validate Action server response from API, make sure your "
                "response from the Action endpoint is valid. For more information about the "
                f"format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise e
        return True

    EndpointConfig.request = request  # type: ignore[method-assign]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]
    return True
