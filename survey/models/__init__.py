"""All models, imported here so the metadata is complete wherever it is used."""

from survey.models.accounts import (
    FINAL_MODES,
    ROLES,
    AccountNotice,
    Branch,
    User,
    superior_branches,
)
from survey.models.answers import SealedAnswer, SpentToken
from survey.models.base import Base, random_id
from survey.models.custody import UnsealPart
from survey.models.roster import CATEGORIES, POSTS, CommitteePost, Member
from survey.models.rounds import Invitation, Round, RoundEvent, Section
from survey.models.summary import OpinionItem, Theme
from survey.models.topics import Topic, TopicResponse, TopicVersion

__all__ = [
    "CATEGORIES",
    "FINAL_MODES",
    "POSTS",
    "ROLES",
    "AccountNotice",
    "Base",
    "Branch",
    "CommitteePost",
    "Invitation",
    "Member",
    "OpinionItem",
    "Round",
    "RoundEvent",
    "SealedAnswer",
    "Section",
    "SpentToken",
    "Theme",
    "Topic",
    "TopicResponse",
    "TopicVersion",
    "UnsealPart",
    "User",
    "random_id",
    "superior_branches",
]
