"""All models, imported here so the metadata is complete wherever it is used."""

from survey.models.accounts import ROLES, AccountNotice, Branch, User
from survey.models.answers import SealedAnswer, SpentToken
from survey.models.base import Base, random_id
from survey.models.roster import CATEGORIES, POSTS, CommitteePost, Member
from survey.models.rounds import Invitation, Round, RoundEvent, Section
from survey.models.summary import OpinionItem, Theme

__all__ = [
    "CATEGORIES",
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
    "User",
    "random_id",
]
