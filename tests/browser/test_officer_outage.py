"""The phone page during a database outage: a 503 is retried, with the same bytes, until the
server answers (the server's side of the outage is tested in tests/hostile/test_outages.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser import test_officer_flow as flow
from tests.browser.test_officer_flow import OpenRound, obtain_token, stored, view, write_and_review

pytestmark = pytest.mark.browser
# The officer flow's collecting round on the live server, as a fixture of this module too.
open_round = flow.open_round

UNAVAILABLE = {
    "status": 503,
    "headers": {"Retry-After": "5", "Content-Type": "application/json"},
    "body": json.dumps({"error": "unavailable", "message": "The service is briefly unavailable."}),
}


def unavailable_twice(bodies: list[str | None]) -> Any:
    """A route handler: the first two requests get the server's 503, later ones go through."""

    def handle(route: Any) -> None:
        bodies.append(route.request.post_data)
        if len(bodies) <= 2:
            route.fulfill(**UNAVAILABLE)
        else:
            route.continue_()

    return handle


def test_a_503_on_the_token_request_is_retried_with_the_same_blinded_message(
    phone_page: Any, open_round: OpenRound
) -> None:
    bodies: list[str | None] = []
    phone_page.route("**/api/v1/rounds/*/tokens", unavailable_twice(bodies))
    obtain_token(phone_page, open_round, open_round.codes[4])
    assert len(bodies) == 3 and len(set(bodies)) == 1
    assert set(stored(phone_page)) == {f"svy:{open_round.round_id}:token"}


def test_a_503_while_sending_is_retried_until_the_receipt_arrives(
    phone_page: Any, open_round: OpenRound
) -> None:
    bodies: list[str | None] = []
    phone_page.route("**/api/v1/rounds/*/answers", unavailable_twice(bodies))
    obtain_token(phone_page, open_round, open_round.codes[5])
    write_and_review(phone_page)
    phone_page.click("#send")
    view(phone_page, "v-done")
    assert len(bodies) == 3 and len(set(bodies)) == 1, "the identical body each time"
    receipt = phone_page.locator("#receipt").inner_text().strip()
    assert stored(phone_page) == {f"svy:{open_round.round_id}:answered": {"receipt": receipt}}
