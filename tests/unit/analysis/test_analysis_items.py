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
    # lead-ins: kept when they say what the points are about, dropped when generic
    ("对班子的意见：\n1. 值班安排不合理\n2. 备勤室太吵", ["值班安排不合理", "备勤室太吵"]),
    ("意见如下：\n值班太多\n装备太旧", ["值班太多", "装备太旧"]),
    (
        "对王教导员：\n1.开会时间太长\n2.有时批评人不分场合",
        ["对王教导员：开会时间太长", "对王教导员：有时批评人不分场合"],
    ),
    (
        "关于执法办案：（1）卷宗装订不规范（2）法制审核太慢",
        ["关于执法办案：卷宗装订不规范", "关于执法办案：法制审核太慢"],
    ),
    (
        "希望所领导：\n多关心民警家庭\n多组织文体活动",
        ["希望所领导：多关心民警家庭", "希望所领导：多组织文体活动"],
    ),
    ("对所长：\n脾气急\n\n对教导员：\n开会长", ["对所长：脾气急", "对教导员：开会长"]),
    (
        "一、值班方面\n1.连续值班太多\n2.备勤室环境差\n二、装备方面\n1.车辆老化\n2.电脑太卡",
        [
            "值班方面：连续值班太多",
            "值班方面：备勤室环境差",
            "装备方面：车辆老化",
            "装备方面：电脑太卡",
        ],
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
