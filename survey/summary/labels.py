"""Words shared by the committee's pages and every export, so they all say the same thing."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from survey.summary.query import ItemView, RoundFacts, SectionView, ThemeView


def channel_label(channel: str) -> str:
    return {
        "survey": _("Online answer"),
        "paper": _("Paper opinion form"),
        "talk": _("One-to-one talk"),
    }.get(channel, channel)


def status_label(status: str) -> str:
    return {
        "active": _("Active"),
        "duplicate": _("Duplicate"),
        "set_aside": _("Set aside"),
    }.get(status, status)


def theme_heading(theme: ThemeView) -> str:
    return theme.heading if theme.id is not None else _("Not in a theme")


def category_label(name: object) -> str:
    """A category's name, or 「未归类」 for the themes no category took."""
    return str(name) if name else _("Not categorised")


def category_theme(category: str | None, theme: ThemeView) -> str:
    """「类别 / 主题」, the Word table's 类别（主题） cell when the round has categories."""
    return f"{category_label(category)} / {theme_heading(theme)}"


def theme_cell(section: SectionView, theme: ThemeView) -> str:
    """A theme where tables and charts name it: 「类别 / 主题」 when the round has categories
    (headings repeat across categories), else the theme's heading."""
    return category_theme(theme.category, theme) if section.categories else theme_heading(theme)


def day_text(day: date | None) -> str:
    return day.isoformat() if day else "—"


def count_text(value: int | None) -> str:
    return "—" if value is None else str(value)


def item_note(item: ItemView) -> str:
    """「（书面征求意见表，2026-11-20）」 after an item from another channel; empty otherwise."""
    if item.channel == "survey":
        return ""
    return _("(%(channel)s, %(day)s)", channel=channel_label(item.channel), day=day_text(item.day))


def fact_rows(facts: RoundFacts, *, with_round: bool = True) -> list[tuple[str, str]]:
    """The round's facts as (label, value): counts, reissues next to k, dates as days.

    ``with_round`` adds the round's title and branch (exports; pages show them as the heading).
    """
    rows = [(_("Round"), facts.title), (_("Branch"), facts.branch)] if with_round else []
    rows += [
        (_("Participants invited"), str(facts.invited)),
        (_("Invitations used (reissues included)"), str(facts.invitations_used)),
        (_("Answers received"), count_text(facts.answers)),
        (_("Codes shown again after handing out"), str(facts.codes_shown_again)),
        (_("Reissued invitations"), str(facts.reissues)),
        (
            _("Minimum k"),
            _("%(k)d (unsealing needs %(needed)d)", k=facts.min_answers, needed=facts.required),
        ),
        (_("Unreadable answers"), count_text(facts.unreadable)),
        (_("Texts under unknown sections"), count_text(facts.unknown_section_texts)),
        (_("Opened on"), day_text(facts.opened_on)),
        (_("Deadline"), day_text(facts.deadline_day)),
        (_("Closed on"), day_text(facts.closed_on)),
        (_("Unsealed on"), day_text(facts.unsealed_on)),
    ]
    if facts.state in ("summarising", "consulting", "final"):
        rows.append((_("Opinion items"), str(facts.items)))
        for channel, count in facts.channels.items():
            rows.append((_("Items: %(channel)s", channel=channel_label(channel)), str(count)))
    return rows


def section_subject(section: SectionView) -> str:
    """Whom a section's items are about (the 涉及对象 column): never who wrote them."""
    if section.kind == "member" and section.member:
        return section.member
    if section.kind == "team":
        return _("The branch committee")
    return section.title if section.kind == "member" else _("Other")


def summary_title(title: str) -> str:
    """「2026年度民主生活会征求意见」 → 「2026年度民主生活会征求意见汇总表」."""
    return _("%(title)s: summary table", title=title)


def item_cell(item: ItemView) -> str:
    """The item's text as the table shows it, with the 已编辑 mark when the committee edited it."""
    return item.text + (_(" (edited)") if item.edited else "")
