"""Word lists for grouping: domain words, stop words, and the seed vocabularies
of the areas opinions are solicited on (DESIGN §1).

The lists are the analysis' domain knowledge and are meant to be read and
extended by people who know how a police station's branch talks.
"""

from __future__ import annotations

__all__ = ["AREAS", "DOMAIN_WORDS", "STOP_WORDS", "TITLES"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Terms the general-purpose segmenter would cut apart (三会 / 一课) but that a
# police station's branch uses as one word.
DOMAIN_WORDS: tuple[str, ...] = (
    "三会一课", "主题党日", "组织生活", "组织生活会", "民主生活会", "民主集中制",
    "学习强国", "谈心谈话", "心得体会", "第一议题", "警示教育", "政治理论",
    "党小组", "党员大会", "支委会", "入党积极分子", "积极分子", "预备党员", "党费",
    "执法记录仪", "执法规范化", "办案区", "涉案财物", "法制员", "接处警", "卷宗",
    "备勤", "备勤室", "警务室", "警力", "夜班", "轮休", "调休", "补休", "年休假",
    "疗休养", "从优待警", "职级晋升", "评先评优", "心理疏导", "加班费",
    "一言堂", "所务会", "所务公开", "层层加码", "痕迹管理", "形式主义", "官僚主义",
    "工作群", "警车", "单警装备", "移动警务终端", "反诈",
)  # fmt: skip

# Words that say nothing about what an opinion is about. Without them
# 建议 / 希望 / 问题 / 加强 … would head every theme. Titles of office are here
# too: a theme is about a matter, never about a person.
STOP_WORDS: frozenset[str] = _words(
    """
    建议 希望 问题 存在 不够 加强 进一步 有待 工作 同志 支部 所里 我们 我 你们 你 他们
    他 她 大家 自己 个别 有的 有些 一些 一点 一下 有时 有时候 经常 总是 常常 往往 比较
    还是 还有 另外 此外 以及 并且 而且 但是 但 可是 不过 虽然 因为 所以 如果 就是 只是
    方面 情况 现象 方式 方法 部分 过程 时候 时间 期间 之后 以后 以前 之前 目前 现在 今年
    去年 平时 每次 每年 一直 已经 真正 实际 实际上 切实 认真 及时 积极 主动 充分 尽快 尽量
    更加 更 太 很 非常 特别 十分 比较 明显 严重 突出 较 多 少 大 小 好 差 高 低 新 老
    要 能 会 可以 应该 应当 需要 必须 不能 不要 没有 没 不 无 有 是 在 和 与 及 或 对
    把 被 让 给 从 向 跟 为 为了 关于 对于 通过 根据 按照 由于 等 等等 之类 什么 怎么
    这个 那个 这些 那些 这样 那样 这种 那种 其中 其他 其它 各种 各项 所有 一个 一次 一些
    做到 做好 做 搞 抓 抓好 落实 提高 提升 改进 改善 完善 加大 强化 推进 注重 重视
    注意 解决 处理 开展 组织 安排 进行 实行 执行 落到 到位 有效 力度 意识 能力 水平
    作用 效果 质量 制度 机制 要求 规定 措施 办法 意见 看法 想法 反映 提出 觉得 认为
    感觉 不足 不到位 不好 不高 不强 较少 较多 过多 过少 偏多 偏少 一定 一样 相关 有关
    工作中 方面的 的话 其实 确实 真的 可能 或者 还 也 都 就 才 又 再 只 却 并 而 则
    所长 副所长 教导员 指导员 书记 支部书记 组织委员 纪检委员 宣传委员 支委 支委们
    领导们 同事 同事们 民警们 上级 下面 上面 基层 一线 全所 所内 本所 派出所 单位 民警
    不全 不到 不了 不会 不是 清楚 知道 发现 出现 导致 影响 造成 容易 比如 例如 包括 尤其
    长期 心里 两个 几个 每个 几次 好几 好几个 好几次 很多 大量 很久 很久没 一起 一般 根本
    基本 基本上 只能 只有 起来 下来 出来 这么 那么 本身 以上 以下 之间 当中 来说 来讲
    使用 内容 不看 一样 东西 事情 地方 人员 大部分 多数 少数 整个 全部 一些人
    从而 致使 具体 缺乏 满足 满足于 更多
    """
)  # fmt: skip

# Titles of office: never part of a heading, even inside a phrase (所长开会太长).
TITLES: frozenset[str] = _words(
    """
    所长 副所长 教导员 指导员 书记 副书记 支部书记 组织委员 纪检委员 宣传委员 青年委员
    支委 支委们 委员 局长 副局长 政委 队长 副队长 中队长 大队长 主任 副主任 处长 科长
    领导 所领导 局领导 领导们
    """
)  # fmt: skip

# The areas of DESIGN §1 (plus 学习教育 and 作风纪律, which branches list on their
# own) with words that place an opinion under them when it uses them.
AREAS: dict[str, frozenset[str]] = {
    "队伍建设": _words(
        """
        队伍 队伍建设 待遇 福利 补贴 加班费 值班费 休假 年休假 调休 补休 疗休养 体检
        心理 心理健康 心理疏导 关爱 关心 慰问 从优待警 职级 晋升 职级晋升 评先评优
        表彰 奖励 家属 家庭 子女 权益 维权 抚恤 工伤 工会 传帮带 新警 辅警 培训 练兵
        """
    ),
    "业务工作": _words(
        """
        执法 执法规范化 办案 案件 卷宗 法制 法制员 笔录 证据 取证 受案 立案 审核
        涉案财物 裁量 文书 处罚 传唤 警情 接处警 出警 接警 值班
        备勤 巡逻 警力 排班 夜班 轮休 社区 走访 矛盾纠纷 反诈 治安 刑事 专项行动
        安保 防控 辖区 群众工作
        """
    ),
    "党支部工作": _words(
        """
        党员 党小组 三会一课 主题党日 组织生活 组织生活会 党费 发展党员 入党
        积极分子 入党积极分子 预备党员 转正 党建 党课 支委会 党员大会 换届 民主评议
        批评与自我批评 自我批评 民主集中制 班子 领导班子 谈心谈话 所务会 议事规则
        集体研究 决策 团结
        """
    ),
    "学习教育": _words(
        """
        学习 理论学习 政治理论 学习强国 笔记 心得 心得体会 专题 专题学习 读书 党史
        第一议题 研讨 学习教育 集中学习 教育 宣讲 红色教育
        """
    ),
    "作风纪律": _words(
        """
        作风 纪律 形式主义 官僚主义 材料 台账 留痕 痕迹管理 会议 开会 报表 检查 督察
        迟到 早退 考勤 廉洁 着装 态度 减负 层层加码 工作群 推诿 扯皮 会风 警示教育
        """
    ),
}  # fmt: skip
