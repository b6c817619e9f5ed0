"""Placing new items among existing themes: similar ones join, the rest form new themes."""

from __future__ import annotations

import pytest

from survey.analysis.placement import place_opinions

PLACED = [
    "值班安排要更合理，夜班后应保证休息",
    "值班表经常临时调整，影响家庭安排",
    "夜间值班人手不足，警力配置要优化",
    "业务培训太少，希望每季度组织一次",
    "执法培训形式单一，要结合实战案例",
    "新警培训要有师傅带教",
]
GROUPS = [0, 0, 0, 1, 1, 1]


def test_new_items_join_the_theme_they_are_like() -> None:
    placement = place_opinions(
        PLACED, GROUPS, ["夜班值班后没有补休，值班安排不合理", "希望多组织业务培训，培训结合实战"]
    )
    assert placement.existing == (0, 1)
    assert placement.leftover.themes == ()


def test_items_like_no_theme_are_grouped_among_themselves() -> None:
    new = ["食堂伙食品种单一，饭菜质量差", "值班表临时调整太多", "食堂饭菜质量要提高"]
    placement = place_opinions(PLACED, GROUPS, new)
    assert placement.existing[1] == 0
    assert placement.existing[0] is None and placement.existing[2] is None
    assert len(placement.leftover.assignments) == 2
    assert len(set(placement.leftover.assignments)) == 1  # both canteen items, one theme


def test_without_existing_themes_everything_is_grouped_anew() -> None:
    placement = place_opinions([], [], ["食堂伙食差", "食堂饭菜差"])
    assert placement.existing == (None, None)
    assert len(placement.leftover.assignments) == 2


def test_result_does_not_depend_on_the_order_of_existing_items() -> None:
    new = ["夜班值班后没有补休", "培训要结合实战"]
    forward = place_opinions(PLACED, GROUPS, new)
    backward = place_opinions(PLACED[::-1], GROUPS[::-1], new)
    assert forward.existing == backward.existing


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        place_opinions(PLACED, [0], ["x"])
