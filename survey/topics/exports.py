"""Exports of the topics: JSON (DESIGN.md section 7), Markdown, the Word 「民主生活会议题及目标」
and the Word 请示 for a superior that works on paper. Pure functions of a TopicsRecord."""

from __future__ import annotations

import io
import json

from docx import Document
from docx.document import Document as DocumentObject
from flask_babel import gettext as _

from survey.exports.docx import _prepare
from survey.topics.labels import (
    CHANGE_LABELS,
    FINAL_MODE_NOTES,
    decision_label,
    disposition_label,
    stance_label,
    word,
)
from survey.topics.record import TopicRecord, TopicsRecord, VersionRecord, export_json

FORMATS = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def write_json(record: TopicsRecord) -> str:
    return json.dumps(export_json(record), ensure_ascii=False, indent=2) + "\n"


def _counts_line(topic: TopicRecord) -> str:
    if topic.counts is None:
        return _("not unsealed yet")
    return "，".join(f"{stance_label(k)} {v}" for k, v in topic.counts.items())


def _version_lines(version: VersionRecord) -> list[str]:
    lines = [f"## {_('Version %(v)d', v=version.number)}", ""]
    lines.append(
        _(
            "Consultation %(id)s: %(used)d of %(n)d invitations used, %(a)s answers read.",
            id=version.consultation_id or "-",
            used=version.used,
            n=version.participants,
            a="-" if version.answers is None else version.answers,
        )
    )
    lines.append("")
    for key, title in version.removed:
        lines.append(f"- ~~{title}~~ ({key}, {word('removed')})")
    for topic in version.topics:
        lines += [
            f"### {topic.title} (`{topic.id}`, {CHANGE_LABELS[topic.change]})",
            "",
            f"- {word('problem')}: {topic.problem}",
            f"- {word('outcome')}: {topic.outcome}",
            f"- {word('responses')}: {_counts_line(topic)}",
        ]
        for objection in topic.objections:
            lines.append(f"- {word('objection')} `{objection.id}`: {objection.text}")
            if objection.disposition_kind:
                lines.append(
                    f"  - {disposition_label(objection.disposition_kind)}: "
                    f"{objection.disposition_text}"
                )
        lines += [f"- {word('suggestion')}: {text}" for text in topic.suggestions]
        lines.append("")
    lines += [f"- {word('comment')}: {text}" for text in version.comments]
    if version.superior_decision:
        lines.append(
            f"- {word('superior')}: {decision_label(version.superior_decision)} "
            f"{version.superior_text}".rstrip()
        )
    return [*lines, ""]


def write_markdown(record: TopicsRecord) -> str:
    lines = [f"# {_('Topics and goals of the democratic life meeting')}", "", record.title, ""]
    final = record.final
    if final is not None and final.final_mode:
        lines += [str(FINAL_MODE_NOTES[final.final_mode]), ""]
    else:
        lines += [_("Not final yet."), ""]
    for version in record.published:
        lines += _version_lines(version)
    return "\n".join(lines)


def _topic_paragraphs(document: DocumentObject, topics: tuple[TopicRecord, ...]) -> None:
    for number, topic in enumerate(topics, start=1):
        document.add_heading(f"{number}. {topic.title}", level=2)
        document.add_paragraph(f"{word('problem')}：{topic.problem}")
        document.add_paragraph(f"{word('outcome')}：{topic.outcome}")
        if topic.owner:
            document.add_paragraph(f"{word('owner')}：{topic.owner}")


def _record_section(document: DocumentObject, version: VersionRecord) -> None:
    document.add_heading(_("Version %(v)d", v=version.number), level=2)
    document.add_paragraph(
        _(
            "%(used)d of %(n)d invitations used, %(a)s answers read.",
            used=version.used,
            n=version.participants,
            a="-" if version.answers is None else version.answers,
        )
    )
    for topic in version.topics:
        document.add_paragraph(f"{topic.title}：{_counts_line(topic)}")
        for objection in topic.objections:
            document.add_paragraph(f"{word('objection')}：{objection.text}", style="List Bullet")
            if objection.disposition_kind:
                document.add_paragraph(
                    f"{disposition_label(objection.disposition_kind)}：{objection.disposition_text}"
                )
    if version.superior_decision:
        document.add_paragraph(
            f"{word('superior')}：{decision_label(version.superior_decision)}"
            f" {version.superior_text}".rstrip()
        )


def _save(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(record: TopicsRecord) -> bytes:
    """「民主生活会议题及目标」: the final (or latest) topics, then the consultation record."""
    document = Document()
    _prepare(document)
    document.add_heading(_("Topics and goals of the democratic life meeting"), level=0)
    document.add_paragraph(record.title)
    final = record.final
    shown = final or (record.published[-1] if record.published else None)
    if final is not None and final.final_mode:
        document.add_paragraph(str(FINAL_MODE_NOTES[final.final_mode]))
    else:
        document.add_paragraph(_("Not final yet."))
    if shown is not None:
        document.add_heading(_("Topics (version %(v)d)", v=shown.number), level=1)
        _topic_paragraphs(document, shown.topics)
    document.add_heading(_("Consultation record"), level=1)
    for version in record.published:
        _record_section(document, version)
    return _save(document)


def write_request_docx(record: TopicsRecord, branch_name: str) -> bytes:
    """The 请示 (议题及方案) for a superior that works on paper: the latest version and record."""
    document = Document()
    _prepare(document)
    document.add_heading(
        _("Request for approval of the topics of the democratic life meeting"), level=0
    )
    document.add_paragraph(branch_name)
    latest = record.published[-1] if record.published else None
    if latest is not None:
        document.add_heading(_("Topics (version %(v)d)", v=latest.number), level=1)
        _topic_paragraphs(document, latest.topics)
        document.add_heading(_("Consultation record"), level=1)
        for version in record.published:
            _record_section(document, version)
    document.add_paragraph(_("Please reply with your approval or the changes you ask for."))
    return _save(document)


def render(record: TopicsRecord, fmt: str) -> bytes:
    if fmt == "json":
        return write_json(record).encode("utf-8")
    if fmt == "md":
        return write_markdown(record).encode("utf-8")
    return write_docx(record)
