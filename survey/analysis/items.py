"""Split one written answer into opinion items.

An officer's answer to one section is free text. The committee reads it as
separate opinion items, shuffled among everyone else's (DESIGN §2, unseal), so
a point must come out whole and a list must come apart:

* numbered lists split: ``1.`` ``1、`` ``（1）`` ``①`` ``一、`` ``（一）``, and
  inline ``一是…二是…``, ``第一，…第二，…`` when at least two numbers follow in
  order (``1.5小时`` is no list, a lone ``一是`` is none either);
* each line is an item, except that the lines after a numbered line belong to
  it until a blank line (or a line opening with 另外、此外、还有 …);
* a lead-in (``关于执法办案：``, ``所长个人（老王说的）：`` or a heading line such
  as ``值班方面``) over several points is the writer's own heading and is
  dropped: copied in front of each point it would show which points one
  person wrote (DESIGN §3, "Grouping by handwriting"), and the section says
  whom the points are about. Over a single point it stays as written
  (``对所长：脾气急``). A generic one (``提几点意见：``) is always dropped;
* ``；`` separates points only when every part is a clause of its own (at least
  six Chinese characters or twelve characters otherwise); ``团结；民主；透明``
  stays one item;
* markers and trailing ``。，；`` go, text is normalised, empty items and bare
  "no opinion" answers (``无``, ``暂无意见``, ``以上意见仅供参考``) are dropped.
  Nothing else is removed: a ``第三条`` or ``一是`` with no ``第四条``/``二是`` in
  sequence is words, not a marker (``第三条规定不合理，应当修改`` stays whole).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from survey.analysis.markers import (
    Marker,
    find_sequence,
    is_sequence,
    leading_marker,
    needs_sequence,
    strip_leading_marker,
)
from survey.analysis.normalise import normalise, normalise_lines

__all__ = ["split_opinions"]

_MIN_CLAUSE_HAN = 6
_MIN_CLAUSE_CHARS = 12
_MAX_LEAD = 40
_MAX_HEADING = 15

_NEW_POINT = re.compile(r"^(?:另外|此外|还有|再有|再就是|其他|其它|最后)")
_GENERIC_LEAD = re.compile(
    r"如下|以下|下列|几点|几条|几个方面|[的点条些](?:意见|建议|看法|问题)[：:]?$"
    r"|^(?:意见|建议|看法|问题|意见建议|意见和建议)[：:]?$"
)
_NOTHING = re.compile(
    r"^(?:无|没有|暂无|暂时没有|没|没了|没有了|同上|略|完|谢谢|无意见|没意见|没有意见|暂无意见"
    r"|暂时没有意见|无其他意见|没有其他意见|暂无其他意见|无建议|没有建议|暂无建议|无意见建议"
    r"|暂无意见建议|以上|以上意见|以上意见仅供参考|以上仅供参考|仅供参考)$"
)
_BOILERPLATE = re.compile(r"[，。；！]?(?:以上(?:意见|建议|内容)?(?:仅供参考|供参考)|仅供参考)$")
_EDGE_PUNCT_LEFT = re.compile(r"^[\s，。；：、,.;:]+")
_EDGE_PUNCT_RIGHT = re.compile(r"[\s，。；：、,.;:]+$")
_SEMICOLON = re.compile(r"[；;]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_PUNCT = re.compile(r"[，。；：？！、,.;:?!]")


@dataclass
class _Block:
    """Consecutive lines that form one point or one list, after their lead-in.

    Blocks under one heading line share its ``group`` number, so that the
    heading can be kept when it stands over a single point only.
    """

    lead: str
    group: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def split_opinions(text: str) -> list[str]:
    """The opinion items in ``text``, normalised, in writing order."""
    groups: dict[int, tuple[str, list[str]]] = {}
    for block in _blocks(normalise_lines(text)):
        lead, items = groups.setdefault(block.group, (block.lead, []))
        items.extend(_split_block(block.text))
    finished: list[str] = []
    for lead, items in groups.values():
        finished.extend(_finish(item) for item in _attach(lead, [_finish(i) for i in items]))
    return [item for item in finished if item]


# --- lines → blocks -------------------------------------------------------------


def _top_style(lines: list[str]) -> str | None:
    """The marker style that numbers the outermost list written line by line.

    ``一是``/``第一`` lines count only when they number 1, 2 … in order: two
    lines opening with ``第三条`` and ``第五条`` are two points about rules.
    """
    markers = [marker for line in lines if (marker := leading_marker(line))]
    for marker in markers:
        if not needs_sequence(marker.style):
            return marker.style
        if is_sequence([other for other in markers if other.style == marker.style]):
            return marker.style
    return None


def _blocks(lines: list[str]) -> list[_Block]:
    top = _top_style(lines)
    blocks: list[_Block] = []
    current: _Block | None = None  # the numbered block collecting continuation lines
    lead, group = "", 0  # the lead-in line the following points belong to, and its number
    for line in lines:
        marker = leading_marker(line) if top else None
        if not line:
            current, lead, group = None, "", group + 1
        elif marker is not None and marker.style == top:
            if current is None and not lead:
                lead, group = _take_lead(blocks), group + 1
            current = _Block(lead, group, [_without_marker(line, marker)])
            blocks.append(current)
        elif current is not None and not _NEW_POINT.match(line):
            current.lines.append(line)
        elif _is_lead_line(line):
            current, lead, group = None, _lead_in(line)[0], group + 1
        else:
            if _NEW_POINT.match(line):
                lead, group = "", group + 1
            current = None
            blocks.append(_Block(lead, group, [line]))
    return blocks


def _without_marker(line: str, marker: Marker) -> str:
    """A numbered line without its number, unless the number starts an inline
    list that :func:`_split_block` takes apart (``1.值班太多。2.装备老化``)."""
    inline = find_sequence(line)
    if inline and inline[0].start == marker.start:
        return line
    return line[marker.end :].lstrip()


def _is_lead_line(line: str) -> bool:
    return line.endswith(("：", ":")) and not _lead_in(line)[1]


def _take_lead(blocks: list[_Block]) -> str:
    """Pop the heading line just before a list if it introduces the list."""
    if not blocks or blocks[-1].lead or len(blocks[-1].lines) != 1:
        return ""
    lead, items = _lead_in(blocks[-1].lines[0] + "\n")
    if items:
        return ""
    blocks.pop()
    return lead


# --- one block → items ------------------------------------------------------------


def _split_block(text: str) -> list[str]:
    sequence = find_sequence(text)
    if not sequence:
        return _split_semicolons(text)
    lead, items = _lead_in(text[: sequence[0].start])
    points: list[str] = []
    for piece in _pieces(text, sequence):
        points.extend(_split_block(piece))
    return items + _attach(lead, points)


def _pieces(text: str, sequence: list[Marker]) -> list[str]:
    ends = [marker.start for marker in sequence[1:]] + [len(text)]
    return [text[marker.end : end] for marker, end in zip(sequence, ends, strict=True)]


def _lead_in(head: str) -> tuple[str, list[str]]:
    """Read the text before a list: (lead-in for its points, items of its own)."""
    stripped = _EDGE_PUNCT_RIGHT.sub("", strip_leading_marker(head.strip()))
    if not stripped:
        return "", []
    if head.rstrip().endswith(("：", ":")) and len(stripped) <= _MAX_LEAD:
        return ("" if _GENERIC_LEAD.search(stripped + "：") else stripped), []
    is_heading = head.endswith("\n") and len(stripped) <= _MAX_HEADING
    if is_heading and not _PUNCT.search(stripped):
        return ("" if _GENERIC_LEAD.search(stripped) else stripped), []
    return "", [head]


def _is_clause(text: str) -> bool:
    text = text.strip()
    return len(_HAN.findall(text)) >= _MIN_CLAUSE_HAN or len(text) >= _MIN_CLAUSE_CHARS


def _split_semicolons(text: str) -> list[str]:
    parts = [part for part in _SEMICOLON.split(text) if part.strip()]
    if len(parts) < 2:
        return [text]
    lead = ""
    head, colon, rest = parts[0].partition("：")
    if colon and len(head) <= _MAX_HEADING and _is_clause(rest):
        lead, _ = _lead_in(head + "：")
        parts[0] = rest
    if not all(_is_clause(part) for part in parts):
        return [text]
    return _attach(lead, parts)


# --- finishing ----------------------------------------------------------------------


def _attach(lead: str, items: list[str]) -> list[str]:
    """The points under a lead-in: with it in front when it heads one point
    only, as written; without it when it heads several (module docstring)."""
    points = [item for item in items if _finish(item)]
    if not lead or len(points) != 1:
        return points
    return [f"{lead}：{points[0].strip()}"]


def _join_lines(text: str) -> str:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        joined += line if _PUNCT.match(joined[-1:]) else "，" + line
    return joined


def _finish(item: str) -> str:
    item = strip_leading_marker(_join_lines(item).strip())
    item = _EDGE_PUNCT_LEFT.sub("", item)
    item = _BOILERPLATE.sub("", _EDGE_PUNCT_RIGHT.sub("", item))
    item = normalise(_EDGE_PUNCT_RIGHT.sub("", item))
    if _NOTHING.match(_PUNCT.sub("", item)):
        return ""
    return item
