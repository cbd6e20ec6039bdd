"""The engine's action calls (engine/jiamenkou_engine/action_calls.py), run by the engine's own
Python against a small action server speaking rasa-sdk's domain-digest protocol: one kept-alive
connection, the domain sent once and again after the server forgot it (449), answers still
checked against Rasa's schema."""

from __future__ import annotations

from tests.helpers.engine_python import needs_engine_python, run_in_engine_python

pytestmark = needs_engine_python

SCRIPT = """
import asyncio, json, sys
from aiohttp import web
from jiamenkou_engine import action_calls

installed = action_calls.install()
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

DOMAIN = Domain.from_yaml('''
version: "3.1"
slots:
  colour:
    type: text
    mappings: []
actions: [action_paint, action_broken]
''')
calls, peers, known = [], set(), {"digest": None}

async def webhook(request):
    body = await request.json()
    peers.add(request.transport.get_extra_info("peername"))
    calls.append({"domain": "domain" in body, "digest": body.get("domain_digest")})
    if "domain" in body:
        known["digest"] = body.get("domain_digest")
    elif body.get("domain_digest") != known["digest"]:  # what rasa-sdk answers
        return web.json_response({"error": "no domain", "action_name": "x"}, status=449)
    if body["next_action"] == "action_broken":
        return web.json_response({"events": [{"event": "slot", "name": 3}]})
    return web.json_response({"events": [{"event": "slot", "name": "colour", "value": "red"}],
                              "responses": [{"text": "painted"}]})

async def main():
    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", token="t")
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)

    async def run(name):
        tracker = DialogueStateTracker("s1", DOMAIN.slots)
        action = RemoteAction(name, endpoint)
        return await action.run(CollectingOutputChannel(), nlg, tracker, DOMAIN)

    first = [await run("action_paint") for _ in range(3)]
    known["digest"] = None  # the action server restarted
    after_restart = await run("action_paint")
    try:
        await run("action_broken")
        rejected = False
    except ValidationError:
        rejected = True
    await runner.cleanup()
    print(json.dumps({
        "installed": installed,
        "events": [[type(e).__name__ for e in events] for events in first + [after_restart]],
        "calls": calls, "connections": len(peers), "rejected": rejected,
    }))

asyncio.run(main())
"""


def run_engine_python(env: dict[str, str]) -> dict[str, object]:
    return run_in_engine_python(SCRIPT, env=env)


def test_one_connection_the_domain_once_and_again_after_a_restart() -> None:
    result = run_engine_python({})
    assert result["installed"] is True
    assert result["connections"] == 1
    calls = result["calls"]
    assert isinstance(calls, list)
    # Three calls: the domain only with the first; then the restarted server's 449, answered
    # by the same call with the domain; then the broken answer, without it.
    assert [c["domain"] for c in calls] == [True, False, False, False, True, False]
    assert len({c["digest"] for c in calls}) == 1 and calls[0]["digest"]
    assert result["events"] == [["BotUttered", "SlotSet"]] * 4
    assert result["rejected"] is True  # an answer outside Rasa's schema is still refused


def test_switched_off_it_is_rasas_own_behaviour() -> None:
    result = run_engine_python({"JIAMENKOU_ACTION_POOL": "0"})
    assert result["installed"] is False
    calls = result["calls"]
    assert isinstance(calls, list)
    assert all(c["domain"] and c["digest"] is None for c in calls)
    assert result["connections"] == len(calls)  # a new connection for every call
    assert result["rejected"] is True
