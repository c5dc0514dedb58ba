"""The words staff use for the tables' rows and columns, and what each one refers to.

Each phrase maps to one or more references. The extractor matches the longest phrase at each
position, so 复议后起诉 wins over 复议 and 无法提供 over 无.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.schema import TableId

REQ = TableId.REQUESTS
APPEALS = TableId.APPEALS
ACTIVE = TableId.ACTIVE

LITIGATION = "行政诉讼"
"""A bare 行政诉讼: 未经复议直接起诉 unless said otherwise (both rows when it is 0)."""


@dataclass(frozen=True)
class RowRef:
    """A row; ``rank`` orders rival rows in one clause (收到 < 予以公开)."""

    table: TableId
    key: str
    rank: int = 3


@dataclass(frozen=True)
class ColumnRef:
    table: TableId
    column: str


@dataclass(frozen=True)
class GroupRef:
    """（三）不予公开 … （六）其他处理: a heading over several rows, not a cell of its own."""

    group: str


@dataclass(frozen=True)
class Marker:
    """A word that changes how a clause reads: other, negation, each, rest, ambiguous."""

    kind: str
    note: str = ""


@dataclass(frozen=True)
class TableRef:
    """A table named as a whole (依申请公开, 主动公开): the scope of 其余均为0."""

    table: TableId


Ref = RowRef | ColumnRef | GroupRef | Marker | TableRef

OTHER = Marker("other")
NEGATION = Marker("negation")
EACH = Marker("each")
REST = Marker("rest")
TOTAL = Marker("total")
WITHIN = Marker("within")
DELTA = Marker("delta")
"""增加/减少/同比: the number is a change from last year, not a cell; skipped without a note."""
NOOP = Marker("noop")
SHARE = Marker("share")
"""A percentage (办结率97%): a share of some total, never a cell; its clause's words are about it."""
ABOVE = Marker("above")
"""以上均为…: what follows says more about every figure of the sentence so far."""
RESPECTIVELY = Marker("respectively")
"""分别为: the figures that follow go, in order, to the rows or columns named before."""
ANOTHER = Marker("another")
"""另有: a new figure whose row is said after it (“另有1件为本机关不掌握”), not the row in context."""
NOT = Marker("not")
"""不是: the figure that follows is one the user takes back (“不是3件，是4件”)."""
COPULA = Marker("copula")
"""为/属于/系 at the start of a clause without a number: it says more about the figure before."""
REST_ZERO = Marker("rest_zero")
"""按0填写 / 其余均为0 said without a separate number."""
LEGAL_PERSONS = Marker("ambiguous", "“法人或其他组织”包括五类申请人，请分别说明商业企业、科研机构、社会组织等")
"""法人或其他组织: five columns; only a 0 can be said of them all at once."""
LEGAL_PERSON_COLUMNS = ("商业企业", "科研机构", "社会组织", "法律服务机构", "其他")
INCLUDES = Marker("includes")
"""含/包括: the figure is part of the one before it (受理36件（含上年结转2件）)."""
SAME_AS_LAST = Marker("same_as_last")
"""跟去年一样: last year's figure is not this year's; asked when it is all the clause says."""
REVIEWED = Marker("elsewhere", "这是梳理、清理或审查的件数，不是表格中的一项（表格填本年制发、废止和现行有效的件数）")
"""对…的38件规范性文件进行了梳理: said after the figure, it makes it the object of the work, not a cell."""
WORK = Marker("work")
"""建议、提案、留言、工单、政策解读、培训…: the clause is about the year's work, not an application or a cell; its
number is a fact for part 一 (网站发布信息865条), never a figure of the tables."""

WORK_WORDS = (
    "建议 提案 人大代表建议 政协提案 代表建议 委员提案 留言 网民留言 工单 热线 来信 来访 来信来访 信访件 信访事项 "
    "信访案件 投诉举报 群众投诉 群众举报 投诉件 举报件 转办件 转办 咨询 诉求 政策文件 政策解读 解读 新闻发布会 "
    "发布会 新媒体 政务新媒体 微信 微博 公众号 网站 门户网站 专栏 栏目 培训 督查 考核 评估 第三方评估 粉丝 "
    "访问量 浏览量 点击量 会议 发布 事项 文件 稿件 简报 图解 视频 回应 舆情 征集 "
    "行政处罚信息 行政许可信息 行政强制信息 处罚信息 许可信息 双公示 决定书 复议决定书 行政复议决定书 判决书 裁决书 "
    "目录 指南 动态 政务动态 公告 通知公告 人事信息 账号 关停 清单 权责清单 年报 专题 链接 问答 访谈 直播"
)


def _rows(table: TableId, key: str, phrases: str, rank: int = 3) -> dict[str, tuple[Ref, ...]]:
    return {p: (RowRef(table, key, rank),) for p in phrases.split()}


def _columns(table: TableId, column: str, phrases: str) -> dict[str, tuple[Ref, ...]]:
    return {p: (ColumnRef(table, column),) for p in phrases.split()}


def _request_rows() -> dict[str, tuple[Ref, ...]]:
    table: dict[str, tuple[Ref, ...]] = {}
    for key, phrases, rank in (
        ("一", "本年新收 新收 新受理 本年受理", 2),
        ("一", "收到 受理 接收 接到 提出 收了 收到了", 1),
        ("一", "申请 申请数", 0),
        ("二", "上年结转 上年度结转 上一年度结转 上一年结转 去年结转", 3),
        ("二", "上年遗留 去年遗留 上年度遗留 上年未办结 去年未办结", 3),
        ("二", "去年转过来 上年转过来 去年转来 上年转来 上年转入 上年度转入 去年结转过来 从去年转过来", 3),
        ("二", "结转上年 去年没办完 上年没办完 去年未办完 去年没有办完 去年还剩 上年还剩 去年剩下 上年剩余", 3),
        ("三.一", "予以公开 同意公开 准予公开 全部公开 予以全部公开 依申请予以公开 全部同意公开 全部予以公开", 3),
        ("三.二", "部分公开 部份公开 部分同意公开 部分予以公开 部分准予公开 部分同意 部份同意公开", 3),
        ("三.三.1", "国家秘密 涉密", 3),
        ("三.三.2", "禁止公开 其他法律行政法规禁止公开 其他法律法规禁止公开", 3),
        ("三.三.3", "三安全一稳定 危及", 3),
        ("三.三.4", "第三方合法权益 第三方 商业秘密 个人隐私", 3),
        ("三.三.5", "三类内部事务 内部事务", 3),
        ("三.三.6", "四类过程性信息 过程性信息 过程性", 3),
        ("三.三.7", "行政执法案卷 执法案卷", 3),
        ("三.三.8", "行政查询事项 查询事项", 3),
        ("三.四.1", "不掌握 信息不存在 本机关不掌握 不掌握相关政府信息 信息不掌握", 3),
        ("三.四.1", "未制作或获取 未制作或者获取 未制作也未获取", 3),
        ("三.四.2", "另行制作 没有现成信息 加工分析 加工、分析", 3),
        ("三.四.3", "仍不明确 补正后", 3),
        ("三.五.1", "信访举报投诉类 信访举报投诉 信访举报 信访 举报 投诉", 3),
        ("三.五.2", "重复申请 重复提出 重复", 3),
        ("三.五.3", "公开出版物 出版物", 3),
        ("三.五.4", "无正当理由大量反复申请 大量反复 反复申请", 3),
        ("三.五.5", "确认或重新出具 重新出具 已获取信息", 3),
        ("三.六.1", "逾期不补正 不补正 未补正 期限内补正 期内补正 按期补正 按时补正", 3),
        ("三.六.2", "收费通知 缴纳费用 未缴费 未缴纳 逾期未缴费 逾期未缴纳", 3),
        ("三.六.2", "缴纳信息处理费 未缴纳信息处理费 逾期未缴纳信息处理费", 3),
        ("三.六.3", "撤回申请 申请人撤回 主动撤回 撤回 撤销申请", 3),
        ("三.七", "办结 办理完毕 处理完毕 答复 办理结果总计 （七）总计 (七)总计", 3),
        ("三.七", "办完 办完了 办理完 已办完", 3),
        ("三.七", "办理", 0),
        ("四", "结转", 1),
        (
            "四",
            "结转下年 结转下年度 结转至下年 结转到下年 转入下年 下年度继续办理 继续办理 结转下一年 "
            "顺延到下年度 顺延至下年度 顺延到下一年度 顺延至下一年度 顺延 "
            "尚未办结 未办结 尚未办理完毕 未办理完毕 没办完 未办完 还没办完 转到明年 转入明年 留到明年 "
            "结转到明年 转到下一年 转入下一年度 跨年办理 跨年度办理 跨年度 "
            "尚在办理 正在办理 仍在办理 还在办理 办理中 尚在办理中 正在办理中",
            3,
        ),
    ):
        table.update(_rows(REQ, key, phrases, rank))
    return table


def _applicants() -> dict[str, tuple[Ref, ...]]:
    table: dict[str, tuple[Ref, ...]] = {}
    for column, phrases in (
        ("自然人", "自然人 个人 公民"),
        ("商业企业", "商业企业 企业 公司 企业法人"),
        ("科研机构", "科研机构 科研院所"),
        ("社会组织", "社会组织 社会公益组织 公益组织 社会团体"),
        ("法律服务机构", "法律服务机构 律师事务所 律所 律师"),
        ("其他", "其他组织 其他单位"),
    ):
        table.update(_columns(REQ, column, phrases))
    table.update({p: (LEGAL_PERSONS,) for p in ("法人或其他组织", "法人")})
    unit = Marker("ambiguous", "“单位”可能是商业企业、科研机构、社会组织或其他组织，请分别说明")
    table.update({p: (unit,) for p in ("单位", "法人单位", "企事业单位")})
    trader = Marker("ambiguous", "“个体工商户”请说明按哪一类申请人填写（商业企业、其他或自然人）")
    table.update({p: (trader,) for p in ("个体工商户", "个体户")})
    kind = Marker(
        "ambiguous",
        "这类申请人不是表格中的一类，请说明按哪一类填写（自然人、商业企业、科研机构、社会组织、法律服务机构或其他）",
    )
    table.update(
        _same(
            (kind,),
            "村委会 村民委员会 居委会 居民委员会 高校 高等院校 大学 学校 医院 新闻媒体 媒体 记者 人大代表 政协委员 "
            "机关单位 事业单位 合作社 农民专业合作社 社区",
        )
    )
    agent = Marker("ambiguous", "代理他人提出的申请按申请人本人的类别填写，请说明申请人是哪一类")
    table.update(_same((agent,), "代当事人 代理人 委托代理人 受委托 代为申请 代理申请"))
    table.update(_columns(REQ, "社会组织", "基金会 协会 商会 学会 民办非企业单位"))
    table.update({p: (NOOP,) for p in ("申请人", "本年度办理结果", "办理结果", "政府信息公开", "信息公开")})
    table.update(_same((NOOP,), "答复结果 答复情况 处理结果 处理情况 办理情况 答复类型"))  # 答复结果：同意公开8件
    return table


def _appeals() -> dict[str, tuple[Ref, ...]]:
    table: dict[str, tuple[Ref, ...]] = {}
    table.update(_rows(APPEALS, "行政复议", "行政复议 复议 复议申请"))
    table.update(_rows(APPEALS, "行政诉讼/未经复议直接起诉", "未经复议直接起诉 未经复议 直接起诉 直接提起诉讼"))
    table.update(_rows(APPEALS, "行政诉讼/复议后起诉", "复议后起诉 行政复议后起诉 复议后提起诉讼 经复议后起诉 复议后"))
    table.update(_rows(APPEALS, LITIGATION, "行政诉讼 诉讼 起诉 被诉"))
    table.update(
        _same((NOOP,), "复议机关 行政复议机关 法院 人民法院 原答复 原决定 原行政行为 原告知书")
    )  # who decided, not a row: 复议机关维持原答复
    table.update(_columns(APPEALS, "结果维持", "结果维持 维持 被维持"))
    table.update(_columns(APPEALS, "结果纠正", "结果纠正 纠正 被纠正 纠错 被纠错 撤销 确认违法"))
    table.update(_columns(APPEALS, "其他结果", "其他结果"))
    table.update(_columns(APPEALS, "尚未审结", "尚未审结 未审结 在审 审理中 正在审理 未结"))
    table["复议维持"] = (RowRef(APPEALS, "行政复议"), ColumnRef(APPEALS, "结果维持"))
    table["复议纠正"] = (RowRef(APPEALS, "行政复议"), ColumnRef(APPEALS, "结果纠正"))
    table["复议纠错"] = table["复议纠正"]
    return table


def _active() -> dict[str, tuple[Ref, ...]]:
    table: dict[str, tuple[Ref, ...]] = {}
    table.update(_rows(ACTIVE, "规章", "规章"))
    table.update(_rows(ACTIVE, "行政规范性文件", "行政规范性文件 规范性文件 规范文件"))
    table.update(_rows(ACTIVE, "行政许可", "行政许可 许可"))
    table.update(_rows(ACTIVE, "行政处罚", "行政处罚 处罚"))
    table.update(_rows(ACTIVE, "行政强制", "行政强制 强制"))
    table.update(_rows(ACTIVE, "行政事业性收费", "行政事业性收费 事业性收费 收费"))
    table.update(_columns(ACTIVE, "本年制发件数", "本年制发 制发 新制发 制定 出台 印发"))
    table.update(_columns(ACTIVE, "本年废止件数", "本年废止 废止 废除"))
    table.update(_columns(ACTIVE, "现行有效件数", "现行有效 有效"))
    table.update(_columns(ACTIVE, "本年处理决定数量", "处理决定 决定"))
    table.update(_columns(ACTIVE, "本年收费金额", "收费金额 收费总额"))
    fine = Marker("elsewhere", "罚没款不是行政事业性收费，表格只填收费金额")
    table.update({p: (fine,) for p in ("罚款", "罚没款", "罚没", "罚没收入", "罚款金额", "罚没金额")})
    # 2019 format (国办公开办函〔2019〕60号)
    table.update(_columns(ACTIVE, "本年新制作数量", "新制作 本年新制作"))
    table.update(_columns(ACTIVE, "本年新公开数量", "新公开 本年新公开"))
    table.update(_columns(ACTIVE, "对外公开总数量", "对外公开总数 对外公开总数量"))
    table.update(_columns(ACTIVE, "上一年项目数量", "上一年项目数量 上一年项目 上年项目"))
    table.update(_columns(ACTIVE, "本年增/减", "本年增/减 本年增减 增/减 增减"))
    table.update(_rows(ACTIVE, "其他对外管理服务事项", "其他对外管理服务事项 对外管理服务事项"))
    table.update(_rows(ACTIVE, "政府集中采购", "政府集中采购 集中采购"))
    table.update(_columns(ACTIVE, "采购项目数量", "采购项目数量 采购项目"))
    table.update(_columns(ACTIVE, "采购总金额", "采购总金额"))
    table.update(_same((REVIEWED,), "进行了梳理 进行梳理 进行了审查 进行审查 进行了清理 进行清理 进行了评估 进行评估"))
    filed = Marker("elsewhere", "立案、听证的数量不是处理决定数量，表格填本年作出的处理决定数")
    table.update({p: (filed,) for p in ("立案", "立案查处", "受案", "听证", "听证会")})
    relief = Marker("elsewhere", "减免、退还的金额不是收费金额，表格填本年收取的金额")
    table.update({p: (relief,) for p in ("减免", "免征", "减征", "减收", "免收", "退费", "退还", "缓缴")})
    fee = Marker("elsewhere", "信息处理费不在表格中，在第六部分“其他需要报告的事项”中报告")
    table.update({p: (fee,) for p in ("信息处理费", "处理费")})
    last_year = Marker("elsewhere", "这是上一年度的数字，不填入本年的表格（上年结转请说“上年结转”）")
    table.update(_same((last_year,), "去年 上年 上一年 上年度 上一年度 上年同期"))
    channel = Marker("elsewhere", "按申请方式（当面、网上、信函等）分的数字不在表格中，表格按申请人类别统计")
    table.update(
        _same(
            (channel,),
            "当面申请 当面 现场申请 网上申请 网络申请 在线申请 网上 信函申请 信函 邮寄 传真 电子邮件 "
            "来文 来电 来函 来人 电话申请 网络平台 在线平台 政务服务网",
        )
    )
    return table


def _same(refs: tuple[Ref, ...], phrases: str) -> dict[str, tuple[Ref, ...]]:
    return dict.fromkeys(phrases.split(), refs)


def _markers() -> dict[str, tuple[Ref, ...]]:
    table: dict[str, tuple[Ref, ...]] = {}
    groups = {"不予公开": "（三）不予公开", "无法提供": "（四）无法提供", "不予处理": "（五）不予处理"}
    groups["其他处理"] = "（六）其他处理"
    groups.update({"不公开": groups["不予公开"], "不予以公开": groups["不予公开"], "不能公开": groups["不予公开"]})
    groups.update(dict.fromkeys(("不同意公开", "不予同意公开", "不准予公开"), groups["不予公开"]))
    table.update({word: (GroupRef(group),) for word, group in groups.items()})
    table.update({p: (OTHER,) for p in ("其他", "其它")})
    table.update({p: (NEGATION,) for p in ("无", "未", "没有", "未发生", "未收到", "未出现", "均无")})
    table.update(_same((EACH,), "均 都 分别为零 各 全部为 全部是 全都是 都是 均为 均系 均属于"))
    table.update(_same((REST,), "其余 其他各项 其余各项 其它各项 其余的 剩下的 剩余 别的 其他的"))
    table.update(_same((REST,), "没说的 没提到的 没有提到的 未提到的 未提及的 没填的 空着的 空白的 其余空着的"))
    table.update(_same((REST, EACH), "其他均为 其它均为 其他都是 其他都为 其他的都是 其余都是 别的都是 别的均为"))
    table.update(_same((REST_ZERO,), "按0填写 按0填 按零填写 按零填 都填0 都按0 填0 填写0"))
    table.update(_same((ABOVE, EACH), "以上均为 以上都是 以上都为 上述均为 上述都是 以上全部为 以上均系"))
    table.update(_same((ABOVE, EACH), "以上申请均为 以上申请都是 以上申请均系 上述申请均为 上述申请都是"))
    table.update(_same((ABOVE, EACH), "申请人均为 申请人都是 申请人全部为 申请人全部是 申请人均系 申请人全都是"))
    referred = Marker(
        "ambiguous", "“告知向其他机关申请”不是表格中的一项，请说明按哪一种办理结果填写（如本机关不掌握相关政府信息）"
    )
    table.update(_same((referred,), "告知 其他机关 其他部门 其他行政机关 有关机关 有关部门"))
    not_accepted = Marker(
        "ambiguous", "“不予受理/不予答复”不是表格中的一项，请说明按哪一种办理结果填写（如不予处理中的某一项）"
    )
    table.update(_same((not_accepted,), "不予受理 不受理 未受理 未予受理 不予答复 不予办理"))
    per = Marker("elsewhere", "这是平均数或每人、每件的数，不是表格中的件数")
    table.update(_same((per,), "每人 每件 每次 每个 平均 人均"))
    late = Marker("elsewhere", "超期的件数不是表格中的一项（表格按办理结果统计）")
    table.update(_same((late,), "超期 超期答复 超期未答复 超过法定期限 逾期答复 超时"))
    outside = Marker(
        "ambiguous", "“不属于本机关”不是表格中的一项，请说明按哪一种办理结果填写（如本机关不掌握相关政府信息）"
    )
    table.update(_same((outside,), "不属于本机关 非本机关 不属于我单位 不属于本单位"))
    table.update(_same((RESPECTIVELY,), "分别为 分别是 依次为 分别"))
    table.update(_same((ANOTHER,), "另有 还有"))
    table.update(_same((NOT,), "不是"))
    table.update(_same((COPULA,), "为 属于 系 是"))
    table.update(_same((NOOP,), "刚才说错了 说错了 此外 另外 更正 改为 应为 应该是"))
    table.update(_same((NOOP,), "未作为 不作为 没有作为 未按 不按"))  # 未作为信息公开申请处理: no denial of 申请
    tables = {"依申请公开": REQ, "主动公开": ACTIVE, "复议诉讼": APPEALS}
    table.update({p: (TableRef(t),) for p, t in tables.items()})
    table.update({p: (DELTA,) for p in ("增加", "减少", "增长", "下降", "同比", "较上年", "比上年", "多出", "少了")})
    table.update(_same((DELTA,), "比去年 较去年 比上年度 较上年度 与去年相比 与上年相比 和去年比 跟去年比 环比"))
    table.update(_same((DELTA,), "少说了 多说了 少算了 多算了 少报了 多报了 少写了 多写了 漏了 漏报"))
    table.update({p: (TOTAL,) for p in ("总计", "合计", "共计", "共", "总数")})
    table.update({p: (WITHIN,) for p in ("其中",)})
    table.update({p: (NOOP,) for p in ("其他需要报告",)})
    table.update(_same((WORK,), WORK_WORDS))
    table.update(_same((INCLUDES,), "含 包含 包括 其中含 内含 含有"))
    table.update(_same((NOOP,), "不含 不包含 不包括 未含"))
    table.update(
        _same(
            (SAME_AS_LAST,),
            "跟去年一样 和去年一样 与去年一样 跟上年一样 和上年一样 与上年一样 同去年 同上年 与上年相同 与去年相同 "
            "和去年相同 跟去年相同 与上年一致 与去年一致 同往年 跟往年一样",
        )
    )
    return table


def build_lexicon() -> dict[str, tuple[Ref, ...]]:
    """Phrase → references, for every table."""
    lexicon: dict[str, tuple[Ref, ...]] = {}
    for part in (_markers(), _active(), _appeals(), _applicants(), _request_rows()):
        lexicon.update(part)
    return lexicon


LEXICON = build_lexicon()
LONGEST = max(len(p) for p in LEXICON)
