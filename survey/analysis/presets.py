"""Category sets a round can start from (see :mod:`survey.analysis.categories`).

Each set is the list of categories a kind of notice asks opinions or problems to
be sorted under, with cue words: words that, used in an item, place it under the
category. The cue words were written from the sets' published descriptions,
before any evaluation item was read (their commit precedes the data's); a branch
edits them on the round like any other text.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from survey.analysis.vocabulary import AREAS

__all__ = ["PRESETS", "Category", "preset_categories"]


@dataclass(frozen=True)
class Category:
    """A category of a round: its name, and cue words beyond the name's own."""

    name: str
    words: tuple[str, ...] = ()


def _parse(text: str) -> tuple[Category, ...]:
    """Categories from lines ``名称：词 词 …``; an indented line continues the words."""
    categories: list[Category] = []
    for line in textwrap.dedent(text).strip("\n").splitlines():
        if line.startswith(" "):
            last = categories.pop()
            categories.append(Category(last.name, last.words + tuple(line.split())))
        else:
            name, _, words = line.strip().partition("：")
            categories.append(Category(name, tuple(words.split())))
    return tuple(categories)


def _areas() -> tuple[Category, ...]:
    names = ("队伍建设", "业务工作", "党支部工作")
    return tuple(Category(name, tuple(sorted(AREAS[name]))) for name in names)


PRESETS: dict[str, tuple[Category, ...]] = {
    # DESIGN §1: the scope of a police station's form.
    "areas": _areas(),
    # The five kinds of Party building (政治建设 … 纪律建设).
    "five_buildings": _parse(
        """
        政治建设：政治 政治站位 两个维护 两个确立 四个意识 忠诚 政治规矩 请示报告 政治生活
            党的领导 政治判断力 政治领悟力 政治执行力 意识形态
        思想建设：思想 理论 理论学习 学习 学风 理想信念 宗旨意识 初心 党性修养 世界观 研讨 读原著
            学原文 心得
        组织建设：组织 组织生活 三会一课 主题党日 发展党员 党员教育 党员管理 支部 班子 干部 梯队
            后备 培养 谈心谈话 组织生活会 换届 党费
        作风建设：作风 形式主义 官僚主义 调查研究 调研 深入基层 群众 服务 求真务实 会议 文件 效率
            推诿 担当
        纪律建设：纪律 廉洁 廉政 八项规定 违规 违纪 监督 执纪 问责 警示教育 规矩 腐败 风险防控 纪法
        """
    ),
    # The six aspects of the 2023 theme education's self-inspection.
    "six_aspects": _parse(
        """
        理论学习：理论 学习 学深悟透 学用结合 读原著 学原文 悟原理 自学 集中学习 研讨 笔记 学风
            浅尝辄止 碎片化 以干代学 系统学习
        政治素质：政治 政治站位 政治判断力 政治领悟力 政治执行力 两个确立 两个维护 四个意识
            四个自信 党性 忠诚 理想信念 意识形态 政治敏锐性 大局意识
        能力本领：能力 本领 专业 知识 新技术 信息化 创新 思路 解决问题 斗争本领 本领恐慌 调查研究
            应急 处置 业务能力
        担当作为：担当 作为 干事创业 攻坚 难题 敢于 魄力 精神状态 不作为 慢作为 推诿 避重就轻 求稳
            怕担责 开拓 进取 冲劲
        工作作风：作风 形式主义 官僚主义 调研 深入基层 群众 服务 求真务实 文山会海 会议 文件 材料
            留痕 走过场 督查 检查
        廉洁自律：廉洁 廉政 自律 八项规定 纪律 公款 吃喝 礼品 礼金 享乐 奢靡 家风 亲属 子女 身边人
            监督 警示教育 节俭 特权 公车
        """
    ),
    # The six disciplines of the 2024 discipline education.
    "six_disciplines": _parse(
        """
        政治纪律：政治 政治站位 两个维护 忠诚 意识形态 政治规矩 妄议 党中央 大政方针 政治立场
        组织纪律：组织 请示报告 民主集中制 个人事项 组织生活 三会一课 组织观念 选人用人 干部
            组织原则 集体决策 议事规则 一言堂
        廉洁纪律：廉洁 廉政 八项规定 公款 礼品 礼金 吃喝 收受 经商 利益 公车 办公用房 特权
        群众纪律：群众 服务 侵害 诉求 冷硬横推 门难进 脸难看 事难办 吃拿卡要 态度 民生 惠民
        工作纪律：履职 推诿 扯皮 形式主义 官僚主义 不作为 乱作为 考勤 效率 懈怠 失职 渎职 督查
            脱岗 工作
        生活纪律：生活 家风 家教 家属 子女 奢靡 享乐 生活作风 八小时以外 社交 圈子 低级趣味
        """
    ),
    # The four undesirable work styles (四风).
    "four_winds": _parse(
        """
        形式主义：文山会海 会议 文件 材料 台账 留痕 痕迹 走过场 表面 应付 督查 检查 考核 层层加码
            口号 不实
        官僚主义：脱离群众 高高在上 作风霸道 拍脑袋 一言堂 推诿 扯皮 门难进 服务 基层 群众 调研
            深入 决策
        享乐主义：享乐 安逸 懈怠 贪图 不思进取 精神不振 松懈 劲头 干劲 怕苦 畏难 庸懒散 进取
        奢靡之风：奢靡 铺张 浪费 公款 吃喝 送礼 公车 办公用房 超标 大操大办 节俭 排场 经费
        """
    ),
}  # fmt: skip


def preset_categories(key: str) -> tuple[Category, ...]:
    """The categories of preset ``key`` (a key of :data:`PRESETS`)."""
    return PRESETS[key]
