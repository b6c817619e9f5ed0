"""Chinese labels that become part of a round's form (sections are content, not UI chrome)."""

from __future__ import annotations

POST_LABELS_ZH = {
    "secretary": "书记",
    "deputy_secretary": "副书记",
    "organization": "组织委员",
    "publicity": "宣传委员",
    "discipline": "纪检委员",
    "youth": "青年委员",
    "secrecy": "保密委员",
}
TEAM_SECTION_TITLE = "对支部班子的意见建议"
OTHER_SECTION_TITLE = "其他意见建议"


def member_section_title(post_names: list[str], name: str) -> str:
    """「对{post}{name}同志的意见建议」; several posts (兼任) are joined with 、."""
    posts = "、".join(POST_LABELS_ZH[p] for p in post_names)
    return f"对{posts}{name}同志的意见建议"
