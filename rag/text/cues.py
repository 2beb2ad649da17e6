"""The named cues of the project: how a Chinese question or report sentence says a thing.

One table, one definition of each idea. Every module that needs a cue imports it by name; no
module keeps a private copy of a cue list. Each entry states the principle it encodes.

Question cues (read in a user's question):
  TARGET        the question asks for a goal or plan ("目标", "计划", "力争", "预期"…)
  ACTUAL        the question asks for an outcome ("完成了", "实际", "去年"…)
  REVIEWED      relative time words pointing at the reviewed year ("去年", "过去一年"…)
  PLANNED       relative time words pointing at the planned year ("今年", "明年", "下一步"…)
  ASKS_NUMBER   the topic is a quantity ("多少", "增长", "总额", "比例"…)
  ASKS_QUANTITY the question wants a figure back (narrower than ASKS_NUMBER: "多少", "几个", "排名"…)
  LIST          the question wants several items ("哪些", "包括", "举措"…)
  COMPARISON    the question compares or ranks ("分别", "相比", "最高", "哪个镇"…)
  ASKS_TARGET   the question explicitly asks for a goal ("目标", "计划", "预期", "力争"…; narrower than TARGET)
  ASKS_OUTCOME  the question explicitly asks for what was achieved ("实际", "完成了", "最后"…)
  ASKS_RATE     the figure asked is a rate or a change in per cent ("增长了多少", "涨幅", "百分之几", "…率是多少")
  ASKS_AMOUNT   the figure asked is an amount or a level, not its growth ("总量", "总额", "是多少亿元")
  PARTICLES     aspect particles and conjunctions inside a spoken-style word ("减了", "税和费")
  ASKS_REASON   the question asks why ("为什么", "原因"): an explanation, never a figure
  STRUCTURE     the question asks for a report's own list of priorities/achievements
  REVIEW_WORDS  … of achievements rather than plans ("成绩", "成效", "做法"…)
  QUESTION_WORDS the words of a question that ask rather than name the topic ("多少", "哪些", "今年"…)
  TOPICAL_QUESTION_WORDS question words that are the topic when nothing else is ("主要目标有哪些？")
  YEAR_NAMED    a year named in a question ("2023年", "2023"; group 1 = the year)
  YEAR_LIST     a list of years ("2018年、2019年、2020年")
  REPORT_YEAR   a year that dates the report itself ("2024年政府工作报告"; group 1 = the year)
  REPORT_REF    the report named as the source, not the topic ("政府工作报告里，", "据…报告说")
  OUTCOME_AFTER_TARGET the question asks for a target and then for what came of it
  ABOUT_REPORT  the question asks about the report itself (its region, years, date, publisher)
  TOWN_NAMED    a place named like a town ("XX镇", "XX乡", "XX街道"; group 1 = name, 2 = suffix)
  NOT_A_PLACE_NAME the end of a would-be town name that makes it no name ("哪个镇", "这个乡", "特色镇")
  SUBJECT_AFTER what may follow a place's short name when the place is the subject ("珠海2023年…")
  NATIONAL      the national level is named ("国务院", "中央政府", "全国")
  DESCRIBED_REPORT a report referred to by what it says ("提到京东区域总部的那个镇")

Report cues (read in report text):
  TARGET_IN_TEXT  a sentence states a goal, not an outcome ("力争", "目标", "预计", "将实现"…)
  PLAN_SECTION    a section heading introduces the plan part ("工作安排", "下一步", "今年"…)
  INSTRUCTION     a sentence addresses an AI/reader with instructions (prompt injection), never an answer
  HEADING_ONLY    a sentence that is only a section heading ("一、…", "（二）…")
  YEAR_IN_TEXT    a year named in report text ("2023年"; group 1 = the year)
  ITEM_START      text that starts an enumerated item ("一是", "（三）", "2.", "首先"…)
  ITEM_STYLES     the numbering styles of enumerated items, higher levels first

Answer text:
  NOT_FOUND       the refusal phrase
  CITATION_MARK   an answer's "[n]" citation mark (group 1 = n)
"""

from __future__ import annotations

import re

NOT_FOUND = "报告中未提及"
CITATION_MARK = re.compile(r"\[(\d{1,3})\]")

# ---- question cues
TARGET = re.compile(r"(目标|计划|力争|预计|打算|安排|部署|将要|要实现|争取|确保|预期|任务|思路|重点工作|明年|今年要)")
ACTUAL = re.compile(r"(完成了|实现了|达到了|实际|取得了|去年|前年|过去一年|上一年|回顾|成绩|成效)")
REVIEWED = re.compile(r"(去年|上年|上一年|过去一年|过去的一年|一年来|前年)")
PLANNED = re.compile(r"(今年|明年|下一步|下阶段|下一阶段|新的一年|接下来|未来一年)")
LIST = re.compile(r"(哪些|有什么|有哪|包括|包含|几项|几个方面|哪几|哪[一二三四五六七八九十两]+[个项条方]|指什么|指的是|"
                  r"分别是什么|措施|举措|做法|列举|都有|主要有|重点|任务)")
ASKS_NUMBER = re.compile(r"(多少|几|比例|占比|增长|增速|同比|总额|总量|规模|金额|数量|排名|第几|百分|率|收入|产值|总值|投资|"
                         r"面积|多大|多高|多长|更大|更多|更高|更快|更低|更少|最高|最多|最大|最低|最少)")
ASKS_QUANTITY = re.compile(r"(多少|几[个项家所人次年亿万%]|比例|占比|排名|第几|多大|多高|多长|最高|最多|最大|最低|最少|"
                           r"更高|更多|更大|更低|更少|增长了?几|增速)")
COMPARISON = re.compile(
    r"(分别|相比|比较|对比|异同|区别|差异|哪个镇|哪个乡|哪个街道|哪份|哪一个|谁|更高|更多|更大|更快|更低|更少|"
    r"最高|最多|最大|最快|最低|最少|各自|两个镇|几个镇|两份|各镇|这些镇|都提到)"
)
ASKS_TARGET = re.compile(r"(目标|计划|预期|预计|力争|打算|争取|定(?:的|在|为)|要(?:达到|实现|增长|控制))")
ASKS_OUTCOME = re.compile(r"(实际|完成了|实现了|达到了|最后|结果|最终)")
ASKS_RATE = re.compile(r"(增长了?多少|增速|增幅|涨幅|涨了多少|降了多少|下降了?多少|提高了?多少|百分之几|百分点|"
                       r"率[^，。？?]{0,6}(?:是|为|在|定在|达到|控制在)?[^，。？?]{0,4}(?:多少|几)|"
                       r"率(?:最高|最低|更高|更低|排))")
ASKS_AMOUNT = re.compile(r"(总量|规模|多少(?:亿|万|千)?(?:元|美元|人|吨|斤|家|个|件|公里|亩|套|辆|张|所|项)|"
                         r"多少(?:钱|人)|[几多]个|多大)")
PARTICLES = re.compile(r"[了过着和与及跟或的]")
ASKS_REASON = re.compile(r"(为什么|为何|什么原因|原因是|何以|怎么会)")
STRUCTURE = re.compile(r"(重点工作|主要工作|工作重点|主要任务|重点任务|工作安排|工作部署|工作思路|哪几个方面|哪些方面|几个方面|"
                       r"哪几方面|主要做法|哪些工作|做了哪些|主要成绩|哪些成绩|主要成效|哪些成效|抓哪些|抓什么)")
REVIEW_WORDS = re.compile(r"(成绩|成效|做法|做了|回顾|完成|取得)")

# the words of a question that ask (what, how much, which, when…) rather than name what is asked about
QUESTION_WORDS = frozenset(
    "哪次 哪年 哪位 哪一 哪项 哪几项 哪几个 哪几 几项 几家 几个 一个 什么样 怎么 为什么 什么 些 这块 那块 "
    "这件事 这事 事 加起来 合计 有没有 是不是 能 能否 可以 要 想 进来 出来 起来 一年 全年 当年 今年 去年 前年 "
    "实际 实际上 完成 实现 达到 目标 计划 力争 预计 分别 各 各自 相比 比较 对比 谁 更 最 哪个 多少 几 "
    "怎么样 如何 情况 方面 呢 吗 主要 具体 都 有 是 了 的 和 与 跟 还 又 哪些 有哪些 包括 指 指什么 叫 叫什么 "
    "更大 更多 更高 更快 更低 更少 更好 最高 最多 最大 最快 最低 最少 靠前 靠后 排前 多得多 少得多 "
    "面积 数量 人数 个数 金额 件数 户数 多大 多高 多长 比 少 多 少了 多了 这件 "
    "那份 这份 那个 这个 报告 政府 工作 工作报告 里 中 提到 提出 说 讲 写 年底 年末 拿到 拿 搞 做 干 派 去 来 给 帮 让 被 把".split()
)

# "主要目标有哪些？": the question word *is* the topic when no other word is left
TOPICAL_QUESTION_WORDS = frozenset("目标 计划 任务 完成 实现 成绩 成效 工作 重点 报告".split())

# a year named in a question (group 1 = the year)
YEAR_NAMED = re.compile(r"(?<!\d)(20\d\d)\s*年?")

# a year that dates the report itself, not the data: "2016年国务院政府工作报告里，2015年…",
# "深圳市2024年政府工作报告说…", "2023年的报告中"; years listed before it name reports too
YEAR_LIST = re.compile(r"(?:(?:19|20)\d\d\s*年?\s*[、，,和与及至到-]\s*)+(?:19|20)\d\d\s*年")
REPORT_YEAR = re.compile(r"(20\d\d)\s*年(?:的|度)?[\u4e00-\u9fff]{0,10}?(?:政府工作报告|工作报告|报告|总结)")

# the report named as the source is not what is asked about ("政府工作报告里，…", "据…报告说")
REPORT_REF = re.compile(r"(?:据|根据|按照|看)?(?:的)?(?:政府工作报告|管委会工作报告|工作报告|工作总结|报告)"
                        r"(?:里|中|上|说|讲|提到|提出|指出|显示|称|写道|所说|定的|提的)*[，,：:]?")

# a question that asks for a target and for what came of it ("目标是多少？实际完成了多少？")
OUTCOME_AFTER_TARGET = re.compile(r"(目标|计划|预期|打算|原计划|定的)[^。？?]*?[，,？?。；;]\s*[^。]*?"
                                  r"(实际|完成了|最后|结果|实现了|达到了|做到了|完成情况)|目标[和与及跟]实际")

# a question about the report itself ("道滘镇属于哪个市？", "这份报告回顾的是哪一年？"), by the kind asked
ABOUT_REPORT = (
    ("region", re.compile(r"(属于|位于|在)哪(个|一个)?(市|县|区|省|城市|地区|地方|里)|是哪里的|哪个(市|县|省)的")),
    ("reviewed", re.compile(r"(回顾|总结)的?是?哪一?年|是哪一?年的(工作)?(报告|总结)|讲的是哪一?年")),
    ("planned", re.compile(r"(部署|安排|计划)的?是?哪一?年")),
    ("date", re.compile(r"(什么时候|哪天|何时|哪一天)(发布|印发|成文|公开|作的?报告|召开)")),
    ("publisher", re.compile(r"(谁|哪个(单位|部门|机构))(发布|印发)")),
)

# a place named like a town ("XX镇"; group 1 = its name, group 2 = 镇/乡/街道)
TOWN_NAMED = re.compile(r"([\u4e00-\u9fff]{2,4}?)(镇|乡(?![镇村])|街道)")

# the end of a would-be town name that makes it no name ("哪个镇", "这个乡", "特色镇")
NOT_A_PLACE_NAME = re.compile(
    r"(哪个|哪些|哪|这个|那个|这|那|该|各|每个|每|两个|三个|几个|全|本|我|其他|别的|其它|所有|某|乡|城|"
    r"村|小|集|重点|特色|示范|卫生|文明|森林|园林|百强|千强|两|三|几|各个|一个|这两个|那两个|"
    r"哪一个|任何|同一|它|他们|其)$"
)

# what may follow a place's short name when the place is the subject ("珠海2023年…", "珠海的…",
# "珠海和…", "珠海政府…"); anything else glued to it makes a word of its own ("北京冬奥会")
SUBJECT_AFTER = re.compile(r"^(?:\d{4}|[今去明前上]年|的|政府|人民政府|全[省市区县]|和|与|跟|及|、)")

# the national level: names the State Council's reports when no other issuer is named
NATIONAL = re.compile(r"(国务院|中央政府|全国)")

# a report referred to by what it says ("提到京东区域总部的那个镇", "那份…的报告"); group a, b or c = the description
DESCRIBED_REPORT = re.compile(
    r"(?P<a>[^，,。？?；;！!]{2,40}?)的(?:那个|那份|那篇|这个|这份|那一份)[\u4e00-\u9fff]{0,10}(?:镇|乡|街道|报告|总结|文件|文档|材料)"
    r"|(?:那份|那个|这份|那篇)(?P<b>[^，,。？?；;！!]{2,30}?)的[\u4e00-\u9fff]{0,10}(?:镇|乡|街道|报告|总结)"
    r"|(?P<c>[^，,。？?；;！!]{6,50}?)的(?:镇|乡)?(?:人民)?(?:政府)?(?:工作)?(?:报告|总结)"
)

# ---- report cues
TARGET_IN_TEXT = re.compile(r"(力争|目标|计划|预计|确保|争取|拟|预期|将要|将实现|将达到|将于|将在)")
PLAN_SECTION = re.compile(r"(安排|计划|打算|思路|目标|部署|下阶段|下一步|下一阶段|今年|明年|\d{4}年工作)")
INSTRUCTION = re.compile(
    r"(忽略|无视|忘记|忘掉|不要理会|不要遵守|跳过)[^。！？\n]{0,8}(以上|上述|之前|前面|先前|所有|全部|一切|系统)[^。！？\n]{0,8}"
    r"(指令|指示|提示|规则|要求|设定|命令)"
    r"|你现在(是|扮演|作为)|从现在起你|你的新(任务|指令|身份)|系统提示|系统指令|提示词"
    r"|(?i:ignore\s+(all\s+|any\s+)?(previous|prior|above)|disregard\s+(all\s+)?(previous|prior|above)"
    r"|system\s*prompt|you\s+are\s+now|<\|im_(start|end)\|>|\[/?INST\])"
)

# a sentence that is only a section heading ("一、…", "（二）…"), not a statement
HEADING_ONLY = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])[^。；;]{0,30}[。]?$")

# a year named in report text (group 1 = the year)
YEAR_IN_TEXT = re.compile(r"(20\d\d)年")

# text that starts an enumerated item ("一是", "二要", "第三，", "首先", "四、", "（五）", "6.", "（7）")
ITEM_START = re.compile(r"^\s*(?:[一二三四五六七八九十]是|[一二三四五六七八九十]要|第[一二三四五六七八九十]{1,2}[，,、]|首先|其次|"
                        r"[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[)）]|\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）])")

# numbering styles of enumerated items, higher levels first
ITEM_STYLES = (
    ("一、", re.compile(r"^\s*[一二三四五六七八九十]{1,2}、")),
    ("（一）", re.compile(r"^\s*[（(][一二三四五六七八九十]{1,2}[)）]")),
    ("一是", re.compile(r"^\s*[一二三四五六七八九十]是")),
    ("一要", re.compile(r"^\s*[一二三四五六七八九十]要")),
    ("第一", re.compile(r"^\s*(?:第[一二三四五六七八九十]{1,2}[，,、]|首先|其次)")),
    ("1.", re.compile(r"^\s*\d{1,2}[.、．](?!\d)")),
    ("（1）", re.compile(r"^\s*[（(]\d{1,2}[)）]")),
)
