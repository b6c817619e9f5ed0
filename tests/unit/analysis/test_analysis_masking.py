"""Phone, identity-card and badge numbers never reach the committee (issue 11, item 4).

Masking is part of normalisation, so every item is masked whichever way it arrives: an
answer split at unseal, a paper form, the command line.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis.items import split_opinions
from survey.analysis.masking import mask_identifiers
from survey.analysis.normalise import normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # mobile numbers, however grouped
        ("有事打我电话13812345678", "有事打我电话138****5678"),
        ("电话 138 1234 5678", "电话138****5678"),
        ("电话138-1234-5678。", "电话138****5678。"),
        ("电话+86 13812345678", "电话+86 138****5678"),
        ("电话８６１３８１２３４５６７８", "电话+86 138****5678"),
        ("１３８１２３４５６７８是我的号", "138****5678是我的号"),
        # landlines
        ("值班室电话0571-87654321", "值班室电话0571-****4321"),
        ("值班室电话010 12345678", "值班室电话010-****5678"),
        # identity cards (18 and 15 digits) and bank cards
        ("身份证号110101199001011234", "身份证号1101**********1234"),
        ("身份证号11010119900101123x", "身份证号1101**********123X"),
        ("身份证110101900101123", "身份证1101*******1123"),
        ("工资卡6222021234567890123有问题", "工资卡6222***********0123有问题"),
        # badge and staff numbers: every digit
        ("警号012345的同志经常迟到", "警号******的同志经常迟到"),
        ("警号：012345", "警号：******"),
        ("他的警号是 012345", "他的警号是******"),
        ("辅警工号FJ1234", "辅警工号FJ****"),
        ("加我qq 12345678", "加我QQ ********"),
    ],
)
def test_identifiers_are_masked(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "值班时间太长，一次要1.5小时才能交接完",
        "2023年全年加班超过300小时",
        "每周1、3、5值班",
        "案件编号20230101，一直没结",
        "经费12000元不够用",
        "早上8:30到岗，晚上10:00下班",
        "110接警太多",
        "2024年1月1日到2024年3月31日",
    ],
)
def test_other_numbers_stay(text: str) -> None:
    assert normalise(text) == text


def test_items_are_masked_when_an_answer_is_split() -> None:
    """The unseal service and the paper-form path both call ``split_opinions``."""
    items = split_opinions("1. 所长电话13812345678老是打不通\n2. 警号012345的同志态度差")
    assert items == ["所长电话138****5678老是打不通", "警号******的同志态度差"]
    assert "12345678" not in "".join(items)
    assert "012345" not in "".join(items)


_NUMBERS = st.from_regex(r"1[3-9][0-9]{9}|[0-9]{17}[0-9X]|0[1-9][0-9]{2}-[0-9]{8}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["电话", "身份证", "号码是", "联系"]),
    _NUMBERS,
    st.sampled_from(["", "。", "，谢谢"]),
)
def test_masking_hides_the_middle_and_is_idempotent(before: str, number: str, after: str) -> None:
    masked = normalise(before + number + after)
    assert number not in masked
    assert "****" in masked
    assert mask_identifiers(masked) == masked
    assert normalise(masked) == masked
