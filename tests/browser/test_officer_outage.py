"""The phone page during a database outage: a 503 is retried, with the same bytes, until the
server answers (the server's side of the outage is tested in tests/hostile/test_outages.py)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from survey.models import Branch, Member, User
from tests.browser.test_officer_flow import OpenRound, obtain_token, stored, view, write_and_review
from tests.rounds_support import codes_of, make_collecting_round

pytestmark = pytest.mark.browser
_numbers = itertools.count(1)

UNAVAILABLE = {
    "status": 503,
    "headers": {"Retry-After": "5", "Content-Type": "application/json"},
    "body": json.dumps({"error": "unavailable", "message": "The service is briefly unavailable."}),
}


@pytest.fixture
def open_round(live_server: Any) -> OpenRound:
    """A collecting round of a branch of its own on the live server."""
    n = next(_numbers)
    with live_server.session() as session:
        branch = Branch(slug=f"officer-outage-{n}", name=f"停机{n}支部")
        users = [
            User(username=f"officer-outage-{n}-{who}", password_hash="!", branch=branch)
            for who in ("secretary", "jijian")
        ]
        users[0].roles, users[1].roles = {"secretary", "committee"}, {"committee"}
        members = [Member(name=f"民警{n}-{i}", branch=branch) for i in range(6)]
        session.add_all([branch, *users, *members])
        session.flush()
        round_, parts = make_collecting_round(
            live_server.app, session, branch, users[0], users[1], members
        )
        return OpenRound(
            url=live_server.url,
            round_id=round_.public_id,
            codes=codes_of(round_),
            parts=parts,
            fingerprint=str(round_.fingerprint),
            section_ids=[s.key for s in round_.sections],
            deadline_shown="",
        )


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
    obtain_token(phone_page, open_round, open_round.codes[0])
    assert len(bodies) == 3 and len(set(bodies)) == 1
    assert set(stored(phone_page)) == {f"svy:{open_round.round_id}:token"}


def test_a_503_while_sending_is_retried_until_the_receipt_arrives(
    phone_page: Any, open_round: OpenRound
) -> None:
    bodies: list[str | None] = []
    phone_page.route("**/api/v1/rounds/*/answers", unavailable_twice(bodies))
    obtain_token(phone_page, open_round, open_round.codes[1])
    write_and_review(phone_page)
    phone_page.click("#send")
    view(phone_page, "v-done")
    assert len(bodies) == 3 and len(set(bodies)) == 1, "the identical body each time"
    receipt = str(phone_page.locator("#receipt").get_attribute("data-receipt"))
    assert stored(phone_page) == {f"svy:{open_round.round_id}:answered": {"receipt": receipt}}
