"""Two demo rounds, so a newcomer sees the whole product at once: one already unsealed (the
committee's grouped summary) and one collecting (invitation links to try on a phone; eight
answers are in, so it can also be closed and unsealed as the README shows).

Answers go through the same services and the same protocol steps a phone takes: a blind-signed
token, an answer sealed to the round's key.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.config import secret_key_bytes
from survey.crypto import blindrsa, seal
from survey.models import Branch, Invitation, Round, User
from survey.rounds import (
    categories,
    collecting,
    drafts,
    invitations,
    lifecycle,
    opening,
    showing,
)
from survey.rounds.clock import utcnow
from survey.rounds.unseal import unseal_round
from survey.rounds.wire import b64u_encode

ROUNDS_FILE = "demo_rounds.json"
# Answers already in the collecting round: above its minimum (k = 5), well below its 20 people.
COLLECTING_ANSWERS = 8
TEAM = [
    "值班备勤安排过密，连续值班后不能保证休息，建议科学排班、落实轮休。",
    "1. 所里会议偏多，有些会可以合并；2. 材料报表重复填报，建议精简。",
    "执法办案要更规范，案件审核要及时，退回补充的理由要讲清楚。",
    "班子成员下基层听取民警意见的次数不够，民警反映的问题回应慢。",
    "政治理论学习形式单一，多是读文件，建议结合典型案例开展研讨。",
    "社区警务工作压力大，警力配置向社区倾斜不够。",
    "装备更新慢，执法记录仪电池不耐用，巡逻车辆老旧。",
    "对辅警的关心不够，待遇和培训都要加强。",
    "民主集中制执行得还可以，但议事决策前征求一线意见不充分。",
    "加班补休制度落实不到位，希望真正落实。",
    "值班室条件差，夜班休息的地方要改善。",
    "考核指标层层加码，留痕要求太多，形式主义要减一减。",
    "年轻民警的培养要有计划，多让他们参与大案要案。",
    "党支部组织生活要更贴近业务，不要为开会而开会。",
    "夜间警情多时备勤警力不足，建议完善应急备勤机制。",
    "受立案窗口群众排队时间长，要优化接处警和办事流程。",
    "执法办案中对群众的告知要到位，减少投诉。",
    "学习强国和各类学习任务打卡太多，要注重实效。",
    "民警的体检和疗养安排要落实，关注民警身心健康。",
    "班子内部分工明确，但相互补台还不够。",
    "支部“三会一课”有时流于形式，记录多于讨论。",
    "案件办理时限压力大，法制员力量不足。",
    "警务保障经费使用要公开透明。",
    "对表现突出的民警要及时表扬，激励机制要完善。",
]
MEMBER = [
    "希望多到一线听听大家的想法，少在办公室批材料。",
    "工作要求严是好事，但批评人时可以注意方式方法。",
    "分管工作抓得实，但对下属的困难关心还不够。",
    "决策前多和班子其他成员沟通，避免临时变更安排。",
    "带头执行纪律规定做得好，希望继续保持。",
    "对年轻民警要多指导、多压担子。",
    "开会讲话可以再简短些，多讲具体措施。",
    "遇到急难险重任务能靠前指挥，值得肯定。",
    "对分管口的考核要一碗水端平。",
    "希望在业务培训上多花些心思。",
]
OTHER = [
    "建议食堂增加夜班餐。",
    "希望组织一次心理健康讲座。",
    "营区停车位紧张，建议统一规划。",
    "无",
]


@dataclass(frozen=True)
class DemoRound:
    round_id: str
    title: str
    parts: tuple[str, str]


def ensure_demo_rounds(session: Session, branch: Branch, instance_path: str) -> list[DemoRound]:
    """Create the two demo rounds once; afterwards return what was kept about them."""
    path = Path(instance_path) / ROUNDS_FILE
    exists = session.scalar(select(Round.id).where(Round.branch_id == branch.id).limit(1))
    if exists is not None:
        return _read(path)
    secretary, inspector = _custodians(session, branch)
    made = [
        _unsealed_round(session, branch, secretary, inspector),
        _collecting_round(session, branch, secretary, inspector),
    ]
    path.write_text(json.dumps([d.__dict__ for d in made], ensure_ascii=False), encoding="utf-8")
    path.chmod(0o600)
    return made


def _read(path: Path) -> list[DemoRound]:
    if not path.is_file():
        return []
    kept = json.loads(path.read_text(encoding="utf-8"))
    return [DemoRound(d["round_id"], d["title"], (d["parts"][0], d["parts"][1])) for d in kept]


def _custodians(session: Session, branch: Branch) -> tuple[User, User]:
    users = {
        u.username: u for u in session.scalars(select(User).where(User.branch_id == branch.id))
    }
    return users["secretary"], users["jijian"]


def _open(
    session: Session,
    branch: Branch,
    first: User,
    second: User,
    title: str,
    preset: str | None = None,
) -> tuple[Round, tuple[str, str]]:
    now = utcnow()
    settings = drafts.DraftSettings(
        title=title,
        intro="请围绕队伍建设、业务工作、党支部工作和班子成员个人，实事求是地提出意见建议。",
        deadline=now + timedelta(days=14),
        custodian2=second,
    )
    round_ = drafts.create_round(session, branch, first, settings, now=now)
    if preset is not None:
        choice = categories.CategoryChoice(preset)
        categories.set_categories(session, round_, choice, actor=first, now=now)
    parts = opening.open_round_at_once(session, round_, secret_key_bytes(current_app), now=now)
    return round_, parts


def _unsealed_round(session: Session, branch: Branch, first: User, second: User) -> DemoRound:
    title = "2026年上半年民主生活会征求意见（示例，已启封）"
    round_, parts = _open(session, branch, first, second, title)
    decks = _Decks(random.Random(2026))  # noqa: S311 - demo content, not security
    shown = showing.show_codes(
        session,
        round_,
        showing.ALL,
        channel="demo",
        actor=None,
        secret=secret_key_bytes(current_app),
        now=utcnow(),
    )
    for item in shown[:15]:
        _answer(session, round_, item.code, _demo_answer(round_, decks))
    lifecycle.close_round(session, round_, first, now=utcnow())
    unseal_round(session, round_, parts[0], parts[1], now=utcnow(), actor=first)
    return DemoRound(round_.public_id, title, parts)


def _collecting_round(session: Session, branch: Branch, first: User, second: User) -> DemoRound:
    """Collecting, with COLLECTING_ANSWERS answers in already, so it can be closed and unsealed.

    Its summary is sorted under the categories 队伍建设, 业务工作 and 党支部工作 first.
    Those officers answered from their own slips: their codes are decrypted here, not shown to
    anyone, so the first `survey round invitations` still hands every code out (README).
    """
    title = "2026年下半年民主生活会征求意见（示例，征求中）"
    round_, parts = _open(session, branch, first, second, title, preset="areas")
    decks = _Decks(random.Random(2027))  # noqa: S311 - demo content, not security
    secret = secret_key_bytes(current_app)
    for invitation in _demo_answerers(round_, COLLECTING_ANSWERS):
        code = invitations.code_of(round_, invitation, secret)
        _answer(session, round_, code, _demo_answer(round_, decks))
    return DemoRound(round_.public_id, title, parts)


def _demo_answerers(round_: Round, count: int) -> list[Invitation]:
    """Every other participant by name, so the used invitations are spread over the list."""
    ordered = sorted(round_.invitations, key=lambda i: i.member.name)
    return ordered[::2][:count]


class _Decks:
    """Opinions dealt without repeats until a pile runs out, like different people writing."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.piles: dict[str, list[str]] = {}

    def deal(self, kind: str, count: int) -> list[str]:
        source = {"team": TEAM, "member": MEMBER}.get(kind, OTHER)
        dealt = []
        for _ in range(count):
            if not self.piles.get(kind):
                self.piles[kind] = self.rng.sample(source, k=len(source))
            dealt.append(self.piles[kind].pop())
        return dealt


def _demo_answer(round_: Round, decks: _Decks) -> dict[str, str]:
    answers: dict[str, str] = {}
    for section in round_.sections:
        if section.kind != "team" and decks.rng.random() < 0.7:
            continue
        points = decks.deal(section.kind, decks.rng.randint(1, 2))
        numbered = [f"{n}. {text}" for n, text in enumerate(points, 1)]
        answers[section.key] = "\n".join(numbered if len(points) > 1 else points)
    return answers


def _answer(session: Session, round_: Round, code: str, answers: dict[str, str]) -> None:
    """What a phone does: a blind-signed token, then an answer sealed to the round's key."""
    assert round_.token_key_spki is not None and round_.seal_public is not None
    public = blindrsa.load_public_spki(round_.token_key_spki)
    token = blindrsa.prepare(blindrsa.build_token_message(round_.public_id))
    blinded = blindrsa.blind(public, token)
    body = {"invitation": code, "blinded_msg": b64u_encode(blinded.blinded_msg)}
    secret = secret_key_bytes(current_app)
    pending = collecting.issue_token(session, round_, body, secret)
    signature = blindrsa.finalize(public, token, pending.sign(secret), blinded.inv)
    sealed = seal.seal_answer(round_.seal_public, answers, round_.public_id)
    collecting.accept_answer(
        session,
        round_,
        {
            "token": b64u_encode(token),
            "signature": b64u_encode(signature),
            "sealed": b64u_encode(sealed),
        },
    )
