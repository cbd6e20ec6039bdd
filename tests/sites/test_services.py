"""Resolving typed service names to canonical vocabulary values."""

from __future__ import annotations

import pytest

from bot.sites.errors import UnknownService
from bot.sites.services import resolve_service
from tests.sites.factories import vocabulary


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("法律援助", "法律援助"),
        ("律师", "法律援助"),
        (" 充手机 ", "手机充电"),
        ("老年食堂", "长者食堂"),
    ],
)
def test_resolve_service_accepts_canonical_names_and_synonyms(typed: str, canonical: str) -> None:
    assert resolve_service(vocabulary(), typed) == canonical


def test_unknown_service_error_is_one_line_listing_known_services() -> None:
    with pytest.raises(UnknownService) as caught:
        resolve_service(vocabulary(), "剪头发")
    message = str(caught.value)
    assert "\n" not in message
    assert (
        message.startswith("unknown service '剪头发'; known services: ") and "法律援助" in message
    )
