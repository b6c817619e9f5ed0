"""Names of Party categories and committee posts: shown in the interface, read back from CSV files.

Files come from Excel sheets kept in Chinese or from scripts written in English, so both are
read; what is shown follows the interface language.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from pypinyin import lazy_pinyin

from survey.models import CATEGORIES, POSTS

CATEGORY_LABELS = {
    "party_member": _l("Party member"),
    "probationary": _l("Probationary Party member"),
    "non_member": _l("Not a Party member"),
}
POST_LABELS = {
    "secretary": _l("Secretary"),
    "deputy_secretary": _l("Deputy secretary"),
    "organization": _l("Organisation member"),
    "publicity": _l("Publicity member"),
    "discipline": _l("Discipline inspection member"),
    "youth": _l("Youth member"),
    "secrecy": _l("Secrecy member"),
}

# What a file may say, after normalisation (NFKC, no spaces, lower case).
_CATEGORY_WORDS = {
    "party_member": ("党员", "中共党员", "正式党员", "party_member", "partymember"),
    "probationary": ("预备党员", "中共预备党员", "probationary", "probationary_member"),
    "non_member": (
        "非党员",
        "群众",
        "共青团员",
        "团员",
        "中共党员发展对象",
        "入党积极分子",
        "non_member",
        "nonmember",
        "non-member",
        "masses",
        "league_member",
    ),
}
_POST_WORDS = {
    "secretary": ("书记", "支部书记", "党支部书记", "secretary"),
    "deputy_secretary": ("副书记", "支部副书记", "党支部副书记", "deputy_secretary", "deputy"),
    "organization": ("组织委员", "organization", "organisation"),
    "publicity": ("宣传委员", "publicity", "propaganda"),
    "discipline": ("纪检委员", "纪律检查委员", "discipline", "discipline_inspection"),
    "youth": ("青年委员", "youth"),
    "secrecy": ("保密委员", "secrecy"),
}
CATEGORY_ALIASES = {word: code for code, words in _CATEGORY_WORDS.items() for word in words}
POST_ALIASES = {word: code for code, words in _POST_WORDS.items() for word in words}
# Chinese lists use 、; scripts and English sheets use ; (full-width ； too).
POST_SEPARATORS = re.compile(r"[、;；]")
# The words written into an exported file: the Chinese ones, as the sheet is read in Chinese.
CATEGORY_EXPORT = {"party_member": "党员", "probationary": "预备党员", "non_member": "非党员"}
POST_EXPORT = {
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "organization": "组织委员",
    "publicity": "宣传委员",
    "discipline": "纪检委员",
    "youth": "青年委员",
    "secrecy": "保密委员",
}

assert set(CATEGORY_LABELS) == set(CATEGORIES) == set(CATEGORY_EXPORT)
assert set(POST_LABELS) == set(POSTS) == set(POST_EXPORT)


def _word(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def parse_category(text: str) -> str | None:
    """The category code for a word from a file, or None when it is not one we know."""
    return CATEGORY_ALIASES.get(_word(text))


def parse_posts(text: str) -> tuple[list[str], list[str]]:
    """Post codes in order of precedence, and the words that are not posts."""
    found: set[str] = set()
    unknown: list[str] = []
    for part in POST_SEPARATORS.split(text):
        word = part.strip()
        if not word:
            continue
        code = POST_ALIASES.get(_word(word))
        if code is None:
            unknown.append(word)
        else:
            found.add(code)
    return [post for post in POSTS if post in found], unknown


def category_label(code: str) -> str:
    return str(CATEGORY_LABELS.get(code, code))


def post_label(code: str) -> str:
    return str(POST_LABELS.get(code, code))


def normalise_name(raw: str) -> str:
    """A person's name as stored: full-width forms folded, spaces collapsed.

    Chinese documents pad two-character names with spaces (王　伟) to line them up; a name made
    only of Chinese characters loses those spaces.
    """
    name = " ".join(unicodedata.normalize("NFKC", raw).split())
    if name and all(_is_han(ch) or ch == " " for ch in name):
        name = name.replace(" ", "")
    return name


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch == "·"


def name_key(name: str) -> tuple[str, str]:
    """Sorts names as Chinese lists do, by pinyin (张 after 王), then by the name itself."""
    return (" ".join(lazy_pinyin(name)).lower(), name)


def search_text(name: str, note: str = "") -> str:
    """What a search box matches: the name, its pinyin and initials (wjg for 王建国), the note."""
    syllables = lazy_pinyin(name)
    initials = "".join(s[:1] for s in syllables)
    return " ".join([name, "".join(syllables), initials, note]).lower()
