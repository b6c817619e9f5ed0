"""Habits that tell writers apart are normalised away (DESIGN §3, "Grouping by handwriting").

Each case is an attack: two writers, or one device, leave a trace the committee could
group by. After normalisation the traces are gone.
"""

from __future__ import annotations

import io
import sys
import unicodedata

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.analysis.characters import REMOVED
from survey.analysis.items import split_opinions
from survey.analysis.normalise import normalise

# --- spaces between Chinese and Latin letters or digits ----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("有 3 个人使用 APP", "有3个人使用APP"),
        ("连续值班 24 小时", "连续值班24小时"),
        ("用 OA 系统报销", "用OA系统报销"),
        ("早上 8:30 到岗", "早上8:30到岗"),
        ("see (a) and (b)", "see (a) and (b)"),  # no Chinese: spaces between words stay
    ],
)
def test_spaces_between_chinese_and_latin_go(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_spacing_habit_does_not_tell_writers_apart() -> None:
    writers = ["有3个人使用APP打卡", "有 3 个人使用 APP 打卡", "有 3个人使用APP 打卡"]
    assert len({normalise(text) for text in writers}) == 1


# --- letter case ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        (["APP太多", "app太多", "App太多", "aPP太多"], "APP太多"),
        (["ppt太多", "PPT太多", "Ppt太多"], "PPT太多"),
        (["u盘不够", "U盘不够"], "U盘不够"),
        (["wifi太慢", "WIFI太慢", "WiFi太慢", "Wifi太慢"], "WiFi太慢"),
        (["4g信号差", "4G信号差"], "4G信号差"),
        (["windows系统老", "WINDOWS系统老", "Windows系统老"], "Windows系统老"),
        (["qq群太多", "QQ群太多"], "QQ群太多"),
    ],
)
def test_letter_case_is_one_form(variants: list[str], expected: str) -> None:
    assert {normalise(text) for text in variants} == {expected}


# --- invisible format characters and variation selectors ---------------------------------

_BRIEF_INVISIBLE = [
    0x00AD,
    *range(0x200B, 0x2010),
    *range(0x2060, 0x2065),
    0xFEFF,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0xE0001,
    *range(0xE0020, 0xE0080),
    *range(0xFE00, 0xFE10),
    0xE0100,
    0xE01EF,
]


@pytest.mark.parametrize("code", _BRIEF_INVISIBLE, ids=lambda code: f"U+{code:04X}")
def test_invisible_character_is_removed(code: int) -> None:
    assert normalise(f"值班{chr(code)}太多{chr(code)}") == "值班太多"


def test_every_format_character_is_removed() -> None:
    codes = range(sys.maxunicode + 1)
    formats = [code for code in codes if unicodedata.category(chr(code)) == "Cf"]
    assert formats and set(formats) <= REMOVED


def test_emoji_presentation_and_tags_do_not_tell_devices_apart() -> None:
    plain = normalise("点赞👍")
    assert normalise("点赞👍\ufe0f") == plain
    assert normalise("点赞👍🏽") == plain  # skin tone
    flag = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert normalise(f"好{flag}") == "好\U0001f3f4"


# --- runs of decoration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("好的~~", "好的~"),
        ("好的～～～", "好的~"),
        ("太累了!!", "太累了！"),
        ("太累了！！", "太累了！"),
        ("真的？？", "真的？"),
        ("真的??", "真的？"),
        ("太累了。。。", "太累了……"),
        ("★★★值班太多★★★", "★值班太多★"),
        ("great!!!", "great!"),
        ("看看（（1））", "看看（（1））"),  # brackets stay paired
    ],
)
def test_decoration_runs_collapse(text: str, expected: str) -> None:
    assert normalise(text) == expected


# --- characters XML (and so the Word export) cannot hold -------------------------------------

_XML_INVALID = ["\uffff", "\ufffe", "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f"]
_XML_INVALID += ["\ud800", "\udfff"]  # lone surrogates (json.loads accepts "\\ud800")


@pytest.mark.parametrize("char", _XML_INVALID, ids=lambda char: f"U+{ord(char):04X}")
def test_xml_invalid_character_is_removed(char: str) -> None:
    assert normalise(f"值班{char}太多") in ("值班太多", "值班，太多")


def _valid_xml_char(char: str) -> bool:
    code = ord(char)
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def test_item_with_u_ffff_goes_into_a_word_file() -> None:
    """The attack of issue 8 item 9: U+FFFF in an answer made the Word export fail."""
    items = split_opinions("1.值班太多\uffff\n2.装备\x07老化\ud800")
    document = Document()
    for item in items:
        document.add_paragraph(item)  # raises ValueError on XML-invalid characters
    document.save(io.BytesIO())
    assert items == ["值班太多", "装备老化"]


_ANY = st.text(
    alphabet=st.one_of(
        st.characters(codec=None, categories=None),
        st.sampled_from(["\uffff", "\ufffe", "\ud800", "\u200e", "\ufe0f", "\U000e0041", "~"]),
        st.sampled_from(list("值班APPapp 3")),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(_ANY)
def test_normalised_text_is_valid_xml_without_format_characters(text: str) -> None:
    result = normalise(text)
    assert all(_valid_xml_char(char) for char in result)
    assert not any(unicodedata.category(char) in ("Cf", "Cs") for char in result)
    assert normalise(result) == result
