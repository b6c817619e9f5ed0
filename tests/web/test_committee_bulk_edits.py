"""Several items at once: move a selection, make a new theme, split a theme, place the items
typed in after unseal. Each is one logged edit, undone as one."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import OpinionItem, Round, Theme
from survey.summary.query import build_summary
from tests.summary_support import editable, last_edit, team_themes, undo, url
from tests.unseal_support import NO_REWRITE

pytestmark = [NO_REWRITE, pytest.mark.usefixtures("english")]
__all__ = ["editable"]


def test_move_several_items_at_once_and_undo(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    themes = {t.heading: t for t in team_themes(session, editable)}
    training, rest = themes["业务培训"], themes["值班安排"]
    assert len(rest.items) >= 2
    chosen = [item.id for item in rest.items[:2]]
    section = editable.sections[0].id
    page = client.get(url(editable, "")[:-1]).data.decode()
    assert f'name="item" value="{chosen[0]}" form="select-' in page  # a checkbox per item
    response = client.post(
        url(editable, "items/move"), data={"item": chosen, "target": f"{section}:{training.id}"}
    )
    assert response.status_code == 302
    after = {t.id: [i.id for i in t.items] for t in team_themes(session, editable)}
    assert set(chosen) <= set(after[training.id])
    event = last_edit(session, editable)
    assert event.detail["action"] == "move_items" and event.detail["count"] == 2
    assert "text" not in event.detail  # the log names items by id only
    changes = client.get(url(editable, "changes")).data.decode()
    assert "Items moved" in changes and rest.items[0].text in changes
    undo(client, editable, event)
    back = {t.id: [i.id for i in t.items] for t in team_themes(session, editable)}
    assert set(chosen) <= set(back[rest.id])


def test_move_answers_the_pages_script_in_json(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    themes = team_themes(session, editable)
    item, target = themes[0].items[0], themes[1]
    response = client.post(
        url(editable, "items/move"),
        data={"item": [item.id], "target": f"{editable.sections[0].id}:{target.id}"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200 and response.json["ok"] is True
    assert {"kind": "item", "id": item.id, "field": "theme_id", "after": target.id}.items() <= (
        response.json["changes"][0].items()
    )
    again = client.post(
        url(editable, "items/move"),
        data={"item": [item.id], "target": f"{editable.sections[0].id}:{target.id}"},
        headers={"Accept": "application/json"},
    )
    assert again.status_code == 400 and again.json == {
        "ok": False,
        "message": "The selected items are already there.",
    }


def test_a_selection_with_an_item_of_another_round_changes_nothing(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    themes = team_themes(session, editable)
    before = last_edit(session, editable)
    response = client.post(
        url(editable, "items/move"),
        data={
            "item": [themes[0].items[0].id, "notanitemofthisround"],
            "target": f"{editable.sections[0].id}:{themes[1].id}",
        },
    )
    assert response.status_code == 404
    assert last_edit(session, editable) == before
    empty = client.post(
        url(editable, "items/move"),
        data={"target": f"{editable.sections[0].id}:{themes[1].id}"},
        follow_redirects=True,
    )
    assert "Select at least one item." in empty.data.decode()


def test_new_theme_of_selected_items_and_undo(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    themes = team_themes(session, editable)
    chosen = [themes[0].items[0].id, themes[1].items[0].id]
    section = editable.sections[0]
    response = client.post(
        url(editable, "themes/new"),
        data={"item": chosen, "section": section.id, "heading": " 夜班  休息 "},
    )
    assert response.status_code == 302
    made = next(t for t in team_themes(session, editable) if t.heading == "夜班 休息")
    assert sorted(i.id for i in made.items) == sorted(chosen)
    event = last_edit(session, editable)
    assert event.detail["action"] == "new_theme"
    undo(client, editable, event)
    assert "夜班 休息" not in [t.heading for t in team_themes(session, editable)]
    assert {t.id for t in team_themes(session, editable)} == {t.id for t in themes}
    stored = session.get(Theme, made.id)
    assert stored is not None and stored.removed  # kept for the log, never shown
    page = client.get(url(editable, f"items/{chosen[0]}")).data.decode()
    assert made.id not in page  # not offered as a place to move to


def test_new_theme_needs_a_heading(editable: Round, client: FlaskClient, session: Session) -> None:
    item = team_themes(session, editable)[0].items[0]
    response = client.post(
        url(editable, "themes/new"),
        data={"item": [item.id], "section": editable.sections[0].id, "heading": "  "},
        follow_redirects=True,
    )
    assert "Give the new theme a heading." in response.data.decode()
    assert len(team_themes(session, editable)) == 2


def test_split_a_theme_and_undo(editable: Round, client: FlaskClient, session: Session) -> None:
    theme = max(team_themes(session, editable), key=lambda t: t.count)
    assert theme.count >= 3
    page = client.get(url(editable, f"themes/{theme.id}")).data.decode()
    assert "Split off a new theme" in page and theme.items[0].text in page
    chosen = [theme.items[0].id]
    client.post(url(editable, f"themes/{theme.id}/split"), data={"item": chosen, "heading": "补休"})
    themes = team_themes(session, editable)
    split = next(t for t in themes if t.heading == "补休")
    assert [i.id for i in split.items] == chosen
    left = next(t for t in themes if t.id == theme.id)
    assert left.count == theme.count - 1
    event = last_edit(session, editable)
    assert event.detail["action"] == "split_theme" and event.detail["source"] == theme.heading
    undo(client, editable, event)
    assert next(t for t in team_themes(session, editable) if t.id == theme.id).count == theme.count


def test_split_refuses_taking_every_item_or_foreign_items(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    first, second = team_themes(session, editable)[:2]
    before = last_edit(session, editable)
    everything = client.post(
        url(editable, f"themes/{first.id}/split"),
        data={"item": [i.id for i in first.items], "heading": "全部"},
        follow_redirects=True,
    )
    assert "Leave at least one item in the theme" in everything.data.decode()
    foreign = client.post(
        url(editable, f"themes/{first.id}/split"),
        data={"item": [second.items[0].id], "heading": "别的"},
        follow_redirects=True,
    )
    assert "Select items of this theme." in foreign.data.decode()
    assert last_edit(session, editable) == before


def test_undo_of_a_new_theme_waits_for_later_moves_into_it(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    themes = team_themes(session, editable)
    section = editable.sections[0].id
    client.post(
        url(editable, "themes/new"),
        data={"item": [themes[0].items[0].id], "section": section, "heading": "新主题"},
    )
    creation = last_edit(session, editable)
    made = next(t for t in team_themes(session, editable) if t.heading == "新主题")
    client.post(
        url(editable, "items/move"),
        data={"item": [themes[1].items[0].id], "target": f"{section}:{made.id}"},
    )
    response = client.post(url(editable, f"changes/{creation.id}/undo"), follow_redirects=True)
    assert "undo the later changes first" in response.data.decode()
    assert made.id in [t.id for t in team_themes(session, editable)]


def _talk_items(session: Session, round_: Round, texts: list[str]) -> list[OpinionItem]:
    items = [
        OpinionItem(
            round_id=round_.id,
            section_id=round_.sections[0].id,
            text=text,
            channel="talk",
            day=date(2026, 11, 20),
        )
        for text in texts
    ]
    session.add_all(items)
    session.flush()
    return items


def test_regroup_places_waiting_items_and_keeps_the_committees_edits(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    themes = team_themes(session, editable)
    training = next(t for t in themes if t.heading == "业务培训")
    # The committee's own edits: a heading, and an item it put outside any theme on purpose.
    client.post(url(editable, f"themes/{training.id}/rename"), data={"label": "培训不足"})
    kept_out = next(t for t in themes if t.id != training.id).items[0]
    client.post(
        url(editable, f"items/{kept_out.id}/move"), data={"target": f"{editable.sections[0].id}:"}
    )
    waiting = _talk_items(
        session, editable, ["业务培训次数太少，培训内容要结合实战", "希望多组织执法业务培训"]
    )
    page = client.get(url(editable, "")[:-1]).data.decode()
    assert "2 items typed in after unseal wait outside the themes." in page
    assert client.post(url(editable, "regroup")).status_code == 302
    session.expire_all()
    for item in waiting:
        assert session.get(OpinionItem, item.id).theme_id == training.id  # type: ignore[union-attr]
    assert session.get(OpinionItem, kept_out.id).theme_id is None  # type: ignore[union-attr]
    assert session.get(Theme, training.id).label == "培训不足"  # type: ignore[union-attr]
    event = last_edit(session, editable)
    assert event.detail["action"] == "regroup" and event.detail["count"] == 2
    assert "wait outside the themes" not in client.get(url(editable, "")[:-1]).data.decode()
    undo(client, editable, event)
    session.expire_all()
    assert all(session.get(OpinionItem, i.id).theme_id is None for i in waiting)  # type: ignore[union-attr]


def test_regroup_makes_new_themes_for_items_like_none(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    waiting = _talk_items(
        session,
        editable,
        ["食堂伙食品种单一，饭菜质量差", "食堂饭菜质量有待提高，伙食品种少", "食堂伙食太差"],
    )
    client.post(url(editable, "regroup"))
    session.expire_all()
    placed = {session.get(OpinionItem, i.id).theme_id for i in waiting}  # type: ignore[union-attr]
    assert len(placed) == 1 and None not in placed
    new = session.get(Theme, placed.pop())
    assert new is not None and not new.removed and new.machine_label
    themes = {t.id for t in build_summary(session, editable).sections[0].themes}
    assert new.id in themes and last_edit(session, editable).detail["themes"] == 1
    undo(client, editable, last_edit(session, editable))
    session.expire_all()
    assert session.get(Theme, new.id).removed  # type: ignore[union-attr]


def test_regroup_with_nothing_waiting_is_refused(
    editable: Round, client: FlaskClient, session: Session
) -> None:
    before = last_edit(session, editable)
    response = client.post(url(editable, "regroup"), follow_redirects=True)
    assert "No item waits to be placed." in response.data.decode()
    assert last_edit(session, editable) == before
    assert session.scalar(select(Theme.id).where(Theme.removed.is_(True))) is None
