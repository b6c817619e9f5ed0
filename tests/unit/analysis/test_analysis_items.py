"""Splitting one answer into opinion items: lists apart, points whole."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis.items import split_opinions
from survey.analysis.normalise import normalise

CASES: list[tuple[str, list[str]]] = [
    # plain answers
    ("所长脾气急，有时当众批评民警。", ["所长脾气急，有时当众批评民警"]),
    ("值班太多，休息不好\n装备太旧", ["值班太多，休息不好", "装备太旧"]),
    (
        "希望所长多和大家沟通。\n\n另外食堂饭菜太咸了",
        ["希望所长多和大家沟通", "另外食堂饭菜太咸了"],
    ),
    # numbered lists, one style each
    ("1、值班太多\n2、装备老化\n3、食堂伙食差", ["值班太多", "装备老化", "食堂伙食差"]),
    (
        "1.值班太多，经常连续值班。2.装备老化，车辆经常坏。",
        ["值班太多，经常连续值班", "装备老化，车辆经常坏"],
    ),
    ("(1)值班太多;(2)装备老化", ["值班太多", "装备老化"]),
    ("①学习形式化②开会太多", ["学习形式化", "开会太多"]),
    ("（一）学习流于形式\n（二）开会太多", ["学习流于形式", "开会太多"]),
    ("一、学习流于形式\n二、开会太多", ["学习流于形式", "开会太多"]),
    ("- 值班太多\n- 备勤室太吵", ["值班太多", "备勤室太吵"]),
    (
        "１．學習強國積分排名通報太頻繁\n２．組織生活會批評不夠深入",
        ["学习强国积分排名通报太频繁", "组织生活会批评不够深入"],
    ),
    (
        "一是理论学习流于形式，多是念文件；二是主题党日内容单一；三是谈心谈话不够经常。",
        ["理论学习流于形式，多是念文件", "主题党日内容单一", "谈心谈话不够经常"],
    ),
    ("第一，会议太多；第二，材料太多，基层疲于应付。", ["会议太多", "材料太多，基层疲于应付"]),
    # numbers that are no list
    ("值班时间太长，一次要1.5小时才能交接完", ["值班时间太长，一次要1.5小时才能交接完"]),
    ("每周1、3、5值班，太密了", ["每周1、3、5值班，太密了"]),
    ("统一是指统一标准，一是一二是二", ["统一是指统一标准，一是一二是二"]),
    ("2023年全年加班超过300小时", ["2023年全年加班超过300小时"]),
    ("第一次开会就迟到，影响不好", ["第一次开会就迟到，影响不好"]),
    # continuation lines stay with their point
    (
        "1. 值班安排不合理\n   经常连续上24小时\n2. 备勤室太吵",
        ["值班安排不合理，经常连续上24小时", "备勤室太吵"],
    ),
    (
        "1.值班排班不合理。\n有时一周三个夜班\n2.装备老化",
        ["值班排班不合理。有时一周三个夜班", "装备老化"],
    ),
    ("1.值班太多\n2.装备老化\n另外希望多组织体检", ["值班太多", "装备老化", "另外希望多组织体检"]),
    # lead-ins: never copied in front of several points; kept as written over one point
    ("对班子的意见：\n1. 值班安排不合理\n2. 备勤室太吵", ["值班安排不合理", "备勤室太吵"]),
    ("意见如下：\n值班太多\n装备太旧", ["值班太多", "装备太旧"]),
    ("对王教导员：\n1.开会时间太长\n2.有时批评人不分场合", ["开会时间太长", "有时批评人不分场合"]),
    ("关于执法办案：（1）卷宗装订不规范（2）法制审核太慢", ["卷宗装订不规范", "法制审核太慢"]),
    ("希望所领导：\n多关心民警家庭\n多组织文体活动", ["多关心民警家庭", "多组织文体活动"]),
    ("对所长：\n脾气急\n\n对教导员：\n开会长", ["对所长：脾气急", "对教导员：开会长"]),
    ("关于执法办案：卷宗装订不规范", ["关于执法办案：卷宗装订不规范"]),
    ("对王教导员：\n1.开会时间太长", ["对王教导员：开会时间太长"]),
    (
        "一、值班方面\n1.连续值班太多\n2.备勤室环境差\n二、装备方面\n1.车辆老化\n2.电脑太卡",
        ["连续值班太多", "备勤室环境差", "车辆老化", "电脑太卡"],
    ),
    (
        "1. 所长：作风扎实，但决策前听取意见不够\n2. 教导员：理论学习抓得紧，但形式偏多",
        ["所长：作风扎实，但决策前听取意见不够", "教导员：理论学习抓得紧，但形式偏多"],
    ),
    # semicolons: separate clauses split, fragments stay together
    (
        "值班安排不合理，经常连续值班；装备老化，车辆经常抛锚；食堂伙食太差，价格还贵",
        ["值班安排不合理，经常连续值班", "装备老化，车辆经常抛锚", "食堂伙食太差，价格还贵"],
    ),
    (
        "存在以下问题：值班安排不合理，经常连续值班；装备老化，车辆经常抛锚",
        ["值班安排不合理，经常连续值班", "装备老化，车辆经常抛锚"],
    ),
    (
        "值班方面：值班安排不合理，经常连续值班；备勤室太吵，晚上休息不好",
        ["值班安排不合理，经常连续值班", "备勤室太吵，晚上休息不好"],
    ),
    ("班子要做到：团结；民主；透明", ["班子要做到：团结；民主；透明"]),
    ("加强学习；提高能力", ["加强学习；提高能力"]),
    ("值班太多；休息太少，身体吃不消", ["值班太多；休息太少，身体吃不消"]),
    # nothing to say
    ("无", []),
    ("暂无意见。", []),
    ("没有。", []),
    ("1.值班太多\n2.装备老化\n以上意见仅供参考", ["值班太多", "装备老化"]),
    ("我的意见：", []),
    ("", []),
    ("   \n\n  ", []),
    # normalised on the way
    ("值班太累了...真的!!!", ["值班太累了……真的！"]),
    ("建議所領導多關心民警身體", ["建议所领导多关心民警身体"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_opinions(text: str, expected: list[str]) -> None:
    assert split_opinions(text) == expected


def test_items_are_normalised_and_free_of_edge_punctuation() -> None:
    items = split_opinions("１．值班太多,休息太少!!;\n２．「形式主义」嚴重。")
    assert items == ["值班太多，休息太少！", "“形式主义”严重"]


def test_numbering_style_does_not_change_the_items() -> None:
    styles = [
        "1.值班太多\n2.装备老化",
        "1、值班太多\n2、装备老化",
        "（1）值班太多（2）装备老化",
        "①值班太多②装备老化",
        "一、值班太多\n二、装备老化",
        "一是值班太多；二是装备老化。",
        "１．值班太多\n２．装备老化",
    ]
    assert {tuple(split_opinions(text)) for text in styles} == {("值班太多", "装备老化")}


_LINE = st.text(
    alphabet=st.sampled_from(list("值班装备学习太多；;，。1.、（）()①一二是\n ")), max_size=60
)


@settings(max_examples=200, deadline=None)
@given(_LINE)
def test_items_are_never_empty_and_always_canonical(text: str) -> None:
    for item in split_opinions(text):
        assert item
        assert item == normalise(item)
        assert "\n" not in item


# --- a writer's lead-in is never copied in front of their points ----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "所长个人（老王说的）：一是思想上有所放松；二是开会时间太长；三是批评人不分场合。",
        "所长个人（老王说的）：\n1.思想上有所放松\n2.开会时间太长\n3.批评人不分场合",
        "所长个人（老王说的）：（1）思想上有所放松（2）开会时间太长（3）批评人不分场合",
        "所长个人（老王说的）：思想上有所放松，学习抓得不紧；开会时间太长，内容重复；"
        "批评人不分场合，方式简单",
    ],
)
def test_lead_in_is_not_copied_in_front_of_each_point(text: str) -> None:
    """The attack of issue 8 item 5: one writer's points recognisable as a group."""
    items = split_opinions(text)
    assert len(items) == 3
    assert not any("老王" in item or "所长个人" in item for item in items)
    assert items[1].startswith("开会时间太长")


_POINTS = st.lists(
    st.sampled_from(["值班太多，休息不好", "装备老化，车辆经常坏", "开会时间太长", "学习流于形式"]),
    min_size=2,
    max_size=4,
    unique=True,
)
_LEADS = st.sampled_from(["对老张的意见（张三写）：", "关于执法办案：", "李所长个人："])
_LISTS = st.sampled_from(["{n}.{p}\n", "（{n}）{p}", "{h}是{p}；", "{n}、{p}\n"])


@settings(max_examples=150, deadline=None)
@given(_LEADS, _POINTS, _LISTS)
def test_no_item_carries_a_lead_in_over_several_points(
    lead: str, points: list[str], style: str
) -> None:
    numerals = "一二三四五"
    body = "".join(
        style.format(n=n, h=numerals[n - 1], p=point) for n, point in enumerate(points, 1)
    )
    items = split_opinions(lead + ("\n" if style.endswith("\n") else "") + body)
    assert items == points


# --- words are never taken for list markers without a list -------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第三条规定不合理，应当修改", ["第三条规定不合理，应当修改"]),
        ("第三条规定不合理，应当修改。", ["第三条规定不合理，应当修改"]),
        ("第二点我不同意", ["第二点我不同意"]),
        ("一是值班太多", ["一是值班太多"]),
        ("第三条规定不合理\n第五条也不合理", ["第三条规定不合理", "第五条也不合理"]),
        ("二是二，一是一，不能含糊", ["二是二，一是一，不能含糊"]),
        # with a sequence they are markers
        ("一是值班太多；二是装备老化", ["值班太多", "装备老化"]),
        ("一是值班太多\n二是装备老化", ["值班太多", "装备老化"]),
        ("第一，会议太多\n第二，材料太多", ["会议太多", "材料太多"]),
        ("第一条太长\n第二条不合理", ["太长", "不合理"]),
    ],
)
def test_marker_only_with_a_sequence(text: str, expected: list[str]) -> None:
    assert split_opinions(text) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["第三条", "第二点", "一是", "三是", "第五，"]),
    st.sampled_from(["规定不合理，应当修改", "我不同意", "值班安排要改"]),
)
def test_lone_sequence_word_is_kept(word: str, rest: str) -> None:
    assert split_opinions(word + rest) == [normalise(word + rest)]
