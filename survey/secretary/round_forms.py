"""Forms of the secretary's round pages: shape only; the round services decide what is allowed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from survey.analysis.presets import PRESETS
from survey.forms import Form, MultiCheckboxField
from survey.models import Round
from survey.models.rounds import DEFAULT_MIN_ANSWERS, LOWEST_MIN_ANSWERS
from survey.rounds.categories import PRESET_LABELS, CategoryChoice, choice_of


def category_choices() -> list[tuple[str, str]]:
    """None, each preset (with its categories' names), or the round's own lines."""
    presets = [
        (key, f"{label}（{'、'.join(c.name for c in PRESETS[key])}）" if key != "areas" else label)
        for key, label in PRESET_LABELS.items()
    ]
    return [
        ("none", str(_l("None: group by theme only"))),
        *((key, str(label)) for key, label in presets),
        ("custom", str(_l("Our own categories (the lines below)"))),
    ]


class CategoriesForm(Form):
    """The round's categories (survey/rounds/categories.py): a preset, our own lines, or none."""

    category_set = SelectField(
        _l("Categories of the summary"),
        # The service refuses an unknown choice; a form without this field changes nothing.
        validate_choice=False,
        description=_l(
            "At unseal, the items of each section are first placed under these categories, then"
            " grouped into themes inside each; the committee can move a theme to another"
            " category. They are the same for everyone and can be changed until unseal."
        ),
    )
    category_lines = TextAreaField(
        _l("Our own categories"),
        validators=[Length(max=4000)],
        description=_l(
            "One category per line: the name (at most 20 characters), a colon, then cue words"
            " separated by spaces, e.g. 执法办案：执法 办案 卷宗. From 2 to 12 categories. Used"
            " only when 「our own categories」 is chosen above."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.category_set.choices = category_choices()

    def category_choice(self) -> CategoryChoice | None:
        """The choice sent, or None when the form did not send one."""
        if not self.category_set.data:
            return None
        return CategoryChoice(self.category_set.data, self.category_lines.data or "")


class RoundSettingsForm(Form):
    """Title, text for officers, deadline, minimum and the second custodian."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    intro = TextAreaField(
        _l("Text for officers"),
        validators=[Length(max=4000)],
        description=_l("Shown at the top of the answer page."),
    )
    deadline = DateTimeLocalField(
        _l("Deadline (optional)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Local time. Without a deadline the round stays open until you close it."),
    )
    min_answers = IntegerField(
        _l("Answers needed before anyone may read them"),
        default=DEFAULT_MIN_ANSWERS,
        validators=[InputRequired(), NumberRange(min=LOWEST_MIN_ANSWERS, max=1000)],
        description=_l(
            "The answers can be opened only when at least this many arrived, plus one for each"
            " committee member taking part, so that no answer can be traced to one person."
            " Never below 3."
        ),
    )
    custodian2 = SelectField(
        _l("Second custodian of the opening code"),
        coerce=str,
        validators=[InputRequired()],
        description=_l(
            "A committee member other than you, usually the discipline inspection member."
        ),
    )


def fill_categories(form: CategoriesForm, round_: Round) -> None:
    """The round's categories as stored: its preset, or its own lines (a preset's lines too,
    so that choosing 「our own」 starts from them)."""
    stored = choice_of(round_)
    form.category_set.data = stored.choice
    form.category_lines.data = stored.lines


class DraftForm(RoundSettingsForm, CategoriesForm):
    """The whole draft page: settings, participants and sections (``title-<key>`` fields, in
    the order of the ``order`` fields); one save keeps every edit."""

    # Which members exist is the service's question, not the form's.
    members = MultiCheckboxField(_l("Participants"), coerce=str, validate_choice=False)
    new_title = StringField(_l("Add a section"), validators=[Length(max=200)])


class IntroForm(Form):
    """The text for officers, which stays editable while the round collects."""

    intro = TextAreaField(
        _l("Text for officers"),
        validators=[Length(max=4000)],
        description=_l(
            "Shown at the top of the answer page. If it names the deadline, change it here"
            " when you extend the deadline. Every change is written to the round log."
        ),
    )


class ReissueForm(Form):
    invitation = StringField(validators=[DataRequired(), Length(max=40)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])


class ShowCodesForm(Form):
    """Which codes to show: ``new`` (not handed out yet), ``all``, or one invitation's id."""

    which = StringField(validators=[DataRequired(), Length(max=40)])


class SentForm(Form):
    """「已发送」 ticked (``1``) or not (``0``) for one person's message."""

    sent = StringField(validators=[InputRequired(), Length(max=1), AnyOf(["0", "1"])])


class AddParticipantForm(Form):
    member = SelectField(_l("Member"), coerce=str, validators=[InputRequired()])


class ExtendForm(Form):
    deadline = DateTimeLocalField(
        _l("New deadline"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Leave empty to keep the round open until you close it."),
    )
