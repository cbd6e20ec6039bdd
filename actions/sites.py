"""Actions about service sites: nearest site, opening hours, services offered."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionFindStation(Action):
    def name(self) -> str:
        return "action_find_station"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        service = next(tracker.get_latest_entity_values("service"), None)
        if service:
            dispatcher.utter_message(response="utter_ask_location_for_service", service=service)
        else:
            dispatcher.utter_message(response="utter_ask_location")
        return []
