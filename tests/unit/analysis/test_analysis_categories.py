"""Round categories as the first level of the summary (issue 11 item 2)."""

from __future__ import annotations

from survey.analysis import group_opinions
from survey.analysis.categories import (
    Category,
    group_in_categories,
    place_in_categories,
)
from survey.analysis.presets import PRESETS

SIX = PRESETS["six_aspects"]


def test_an_item_that_names_one_category_is_placed_there() -> None:
    texts = ["理论学习不够系统", "廉洁自律意识有所松懈", "工作作风不够扎实"]
    placement = place_in_categories(texts, SIX)
    names = [SIX[index].name if index is not None else None for index in placement.categories]
    assert names == ["理论学习", "廉洁自律", "工作作风"]
    assert placement.seeded == (True, True, True)


def test_a_cue_every_category_shares_decides_nothing() -> None:
    categories = [Category("政治建设"), Category("思想建设")]
    placement = place_in_categories(["基础设施建设滞后"], categories)
    assert placement.categories == (None,)


def test_a_tie_between_categories_places_nothing_by_cue() -> None:
    categories = [Category("学习", ("笔记",)), Category("会议", ("材料",))]
    placement = place_in_categories(["学习笔记和会议材料太多"], categories)
    assert placement.seeded == (False,)


def test_an_item_without_cue_joins_the_category_its_words_share() -> None:
    categories = [Category("值班备勤", ("值班",)), Category("执法办案", ("执法",))]
    texts = [
        "值班备勤压力大，夜班太多",
        "值班安排不合理，夜班连轴转",
        "执法办案不规范，卷宗质量差",
        "执法记录仪使用不规范，卷宗不全",
        "夜班连轴转，压力大",  # no cue word of its own
    ]
    placement = place_in_categories(texts, categories)
    assert placement.seeded[-1] is False
    assert placement.categories[-1] == 0


def test_an_item_like_nothing_stays_outside_every_category() -> None:
    categories = [Category("值班备勤", ("值班",)), Category("执法办案", ("执法",))]
    texts = ["值班压力大", "值班太多", "执法不规范", "执法太松", "食堂饭菜太咸"]
    assert place_in_categories(texts, categories).categories[-1] is None


def test_themes_are_grouped_inside_categories() -> None:
    texts = [
        "理论学习不够系统，学用结合不紧",
        "理论学习浅尝辄止，笔记应付",
        "廉洁自律意识松懈，八项规定执行不严",
        "廉洁自律要求不严，公车私用",
        "工作作风不实，会议太多",
        "工作作风漂浮，材料太多",
    ]
    grouping = group_in_categories(texts, SIX)
    for theme in grouping.themes:
        members = [i for i, a in enumerate(grouping.assignments) if a == theme.index]
        assert theme.size == len(members)
        assert theme.representative in members
        assert set(theme.representatives) <= set(members)
        placed = place_in_categories(texts, SIX).categories
        assert {placed[i] for i in members} == {theme.category}
    assert [t.index for t in grouping.themes] == list(range(len(grouping.themes)))
    assert {t.category for t in grouping.themes} == {0, 4, 5}
    assert grouping == group_in_categories(texts, SIX)


def test_without_categories_it_is_the_plain_grouping() -> None:
    texts = ["值班压力大", "值班太多", "执法不规范", "执法太松"]
    assert group_in_categories(texts, ()) == group_opinions(texts)
    assert group_in_categories([], SIX).themes == ()


def test_presets_name_distinct_categories_with_cues() -> None:
    for categories in PRESETS.values():
        names = [category.name for category in categories]
        assert len(set(names)) == len(names) >= 3
        assert all(category.words for category in categories)
