"""Normalisation: one written form whatever the writer's script and habits."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis.normalise import normalise, normalise_lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # script
        ("建議所領導進一步加強值班備勤安排", "建议所领导进一步加强值班备勤安排"),
        ("裡面乾淨，頭髮很長", "里面干净，头发很长"),
        ("組織生活會批評與自我批評不夠", "组织生活会批评与自我批评不够"),
        # width
        ("１２３ＡＢＣａｂｃ", "123ABCabc"),
        ("连续值班２４小时", "连续值班24小时"),
        ("\u3000全角空格开头\u3000", "全角空格开头"),
        ("零\u200b宽\ufeff字符", "零宽字符"),
        # punctuation follows Chinese context
        ("值班太多,休息太少", "值班太多，休息太少"),
        ("值班太多，休息太少", "值班太多，休息太少"),
        ("问题:值班", "问题：值班"),
        ("要不要改?", "要不要改？"),
        ("8:30上班,1,000元", "8:30上班，1,000元"),
        ("ABC, def: ok?", "ABC, def: ok?"),
        ("早上8：30到岗", "早上8:30到岗"),
        ("共1，000元", "共1,000元"),
        ("好,;多", "好，；多"),
        ("用APP打卡.不方便", "用APP打卡。不方便"),
        ("今年增加了1.5小时", "今年增加了1.5小时"),
        ("备勤室(空调)坏了", "备勤室（空调）坏了"),
        ("(1)值班", "（1）值班"),
        ("see (a) and (b)", "see (a) and (b)"),
        # quotes
        ("「形式主义」问题", "“形式主义”问题"),
        ("『留痕』太多", "‘留痕’太多"),
        ('所谓"痕迹管理"害人', "所谓“痕迹管理”害人"),
        # runs of marks
        ("太累了!!!", "太累了！"),
        ("真的？！", "真的？"),
        ("真的?!?", "真的？"),
        ("好,,，的", "好，的"),
        ("太累了...真的。。。", "太累了……真的……"),
        ("太累了…", "太累了……"),
        ("工作--要落实", "工作——要落实"),
        ("工作―要落实", "工作——要落实"),
        # list markers look alike
        ("①值班②装备", "（1）值班（2）装备"),
        ("⑴值班", "（1）值班"),
        ("⒈值班", "1.值班"),
        ("㈠值班", "（一）值班"),
        # whitespace
        ("值班  備勤", "值班，备勤"),
        ("值班 ， 备勤 。", "值班，备勤。"),
        ("  a \t b  ", "a b"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_habits_collapse_to_one_form() -> None:
    writers = [
        "１．值班太多,休息太少!!",
        "1.值班太多，休息太少！",
        "1．值班太多，休息太少!",
        "1.值班太多 ,休息太少！！！",
    ]
    assert len({normalise(text) for text in writers}) == 1


def test_traditional_and_simplified_writers_look_alike() -> None:
    assert normalise("「學習強國」積分通報太頻繁！！") == normalise('"学习强国"积分通报太频繁!')


def test_normalise_lines_keeps_line_structure() -> None:
    assert normalise_lines("１．值班\n\n２．裝備 ") == ["1.值班", "", "2.装备"]


def test_plain_text_takes_the_fast_path() -> None:
    text = "值班备勤安排不合理，经常连续值班，休息时间得不到保证"
    normalise(text)  # warm the caches
    started = time.perf_counter()
    for _ in range(2_000):
        normalise(text)
    assert time.perf_counter() - started < 1.0


_TEXT = st.text(
    alphabet=st.sampled_from(
        list("值班備勤學習裡乾淨，。；：？！、,.;:?!()（）「」『』\"'…—-－ 　\t１2Aａ①⑴㈠")
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_no_full_width_ascii_or_corner_quotes_survive(text: str) -> None:
    result = normalise(text)
    chinese_forms = "，；：？！（）"
    assert not any(0xFF01 <= ord(char) <= 0xFF5E and char not in chinese_forms for char in result)
    assert not set(result) & set("「」『』\u3000\t")
    assert result == result.strip()
