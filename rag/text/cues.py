"""The named cues of the project: how a Chinese question or report sentence says a thing.

One table, one definition of each idea. Every module that needs a cue imports it by name; no
module keeps a private copy of a cue list. Each entry states the principle it encodes.

Question cues (read in a user's question):
  TARGET        the question asks for a goal or plan ("目标", "计划", "力争", "预期"…)
  ACTUAL        the question asks for an outcome ("完成了", "实际", "去年"…)
  REVIEWED      relative time words pointing at the reviewed year ("去年", "过去一年"…)
  BASELINE_YEAR a relative year as the baseline of a change ("比上一年多了多少"): not the year asked
  BASELINE_NAMED a year named as the baseline of a change ("比2020年增长了多少"): not the year asked
  ASKS_CHANGE   the question asks for a change ("增长了多少", "降了多少")
  PLANNED       relative time words pointing at the planned year ("今年", "明年", "下一步"…)
  ASKS_NUMBER   the topic is a quantity ("多少", "增长", "总额", "比例"…)
  ASKS_QUANTITY the question wants a figure back (narrower than ASKS_NUMBER: "多少", "几个", "排名"…)
  ASKS_RANK     the question asks for a place in an order ("排名", "第几", "位次"): an ordinal ("第7位") answers
  LIST          the question wants several items ("哪些", "包括", "举措"…)
  COMPARISON    the question compares or ranks ("分别", "相比", "最高", "哪个镇"…)
  ASKS_TARGET   the question explicitly asks for a goal ("目标", "计划", "预期", "力争"…; narrower than TARGET)
  ASKS_OUTCOME  the question explicitly asks for what was achieved ("实际", "完成了", "最后", "运送了多少"…)
  ASKS_RATE     the figure asked is a rate or a change in per cent ("增长了多少", "涨幅", "百分之几", "…率是多少")
  ASKS_AMOUNT   the figure asked is an amount or a level, not its growth ("总量", "一共", "是多少亿元")
  PARTICLES     aspect particles and conjunctions inside a spoken-style word ("减了", "税和费")
  NAMED_GROUP   a numbered group to be spelled out ("“六稳”是哪六个方面", "三大攻坚战是哪三个")
  SPAN_FIGURE   a figure over several years, written before it in its clause ("五年…65亿吨", "年均增长7%")
  GLOSSARY_ENTRY an entry of a report's glossary ("13.“IT+低碳”智慧园区：指…"): it explains its term only
  REFERS_BACK   a sentence referring back to what precedes it ("以上问题…"): it closes a list
  SPAN_PARAGRAPH a paragraph looking back on several years ("五年来，…"): its figures are the span's
  LEVEL_REACHED a level reached, right before its figure ("达到82.58岁"): in a span, the level at its end
  PAST_SPAN_OPENING a paragraph opening that looks back ("五年来", "过去五年", "“十四五”以来"), not ahead
  SPAN_COUNT_WORD a clause counting what was done over a span ("新增", "建成", "累计")
  ASKS_FROM_TO  the question asks for a figure before and after a change ("从多少提高到多少")
  FROM_TO       a sentence writes a figure before and after a change ("由2110公里增至3055公里")
  ASKS_CHANGE   the question asks how much something changed: a per cent, or the amount of the change
  CHANGE_AMOUNT_BEFORE a change verb right before a figure ("每月提高183元"): the figure is the change
  SPEAKS_OF_CHANGE the question speaks of a change at all (else a figure's level is asked)
  CHANGE_BEFORE_FIGURE a verb of change right before a figure, no 到/至: the figure is a change
  ASKS_TOP      the question asks which one is the most ("票房最高的电影是哪一部")
  TELLS_TOP     a sentence tells the first of an order ("位列年度第一", "居首位")
  WHICH_WORD    a "which" word as the segmenter cut it ("哪一年", "哪家"); is_question_word() tells both
  ASKS_WHO      the question asks for a person, a team or a winner ("谁", "哪位")
  ASKS_SPAN     the question asks about a span of years ("年均", "五年来", "“十四五”期间")
  PAST_SPAN_ASKED the years just looked back on, asked as a span ("这五年", "过去五年")
  PLAN_NAME     a five-year plan named ("十四五")
  ASKS_WHEN     the question asks for a date or a time ("什么时候", "哪天", "几月几日"): only then does a date answer
  ASKS_DATE     …asked outright, not a duration ("哪一年", "几点"); TELLS_WHEN a sentence tells one ("2009年12月")
  ASKS_HOW_MANY_KINDS 几 with a measure word ("几大", "几类"): a count in words answers ("八大")
  ASKS_STOCK    how many there are in all ("累计建成", "总数"); ASKS_ADDED: how many were added (新, 增)
  ADDED_BEFORE_FIGURE the year's additions before a figure ("新建…20所"): no total
  DAY_FIGURE    a figure of one day ("单日最高客运量", "日均"): never a year's total
  SPEAKS_OF_DAY the question speaks of a day (日, 天): a day's figure may answer it
  PART_OF_YEAR  a part of a year named ("第四季度", "上半年", "前三季度"): a whole year's figure is not its
  ASKS_WHO_WHAT the question asks for a person, a place, a thing ("是谁", "哪支球队", "在哪里", "是什么")
  ASKS_REASON   the question asks why ("为什么", "原因"): an explanation, never a figure
  STRUCTURE     the question asks for a report's own list of priorities/achievements
  REVIEW_WORDS  … of achievements rather than plans ("成绩", "成效", "做法"…)
  QUESTION_WORDS the words of a question that ask rather than name the topic ("多少", "哪些", "今年"…)
  TOPICAL_QUESTION_WORDS question words that are the topic when nothing else is ("主要目标有哪些？")
  YEAR_NAMED    a year named in a question ("2023年", "2023"; group 1 = the year)
  YEAR_LIST     a list of years ("2018年、2019年、2020年")
  REPORT_YEAR   a year that dates the report itself ("2024年政府工作报告"; group 1 = the year)
  HORIZON_YEAR  a horizon year ("到2020年"): beside a report named, that report's target horizon
  REPORT_REF    the report named as the source, not the topic ("政府工作报告里，", "据…报告说")
  OUTCOME_AFTER_TARGET the question asks for a target and then for what came of it
  ABOUT_REPORT  the question asks about the report itself (its region, years, date, publisher)
  TOWN_NAMED    a place named like a town ("XX镇", "XX乡", "XX街道"; group 1 = name, 2 = suffix)
  NOT_A_PLACE_NAME the end of a would-be town name that makes it no name ("哪个镇", "这个乡", "特色镇")
  SUBJECT_AFTER what may follow a place's short name when the place is the subject ("珠海2023年…")
  ASKS_PROGRESS the question asks how far along something is ("进行到哪一步了"): no topic words
  NATIONAL      the national level is named ("国务院", "中央政府", "全国", "国家2019年…")
  NATION_AS_YARDSTICK 全国 as the measure a place is held against ("占全国多少"), not an issuer
  DESCRIBED_REPORT a report referred to by what it says ("提到京东区域总部的那个镇", "…所在的镇")
  YEAR_ROLES      what a description says a year is in its report: title / reviewed / planned ("标题是2023年…")
  DESCRIBED_MASKED a description says the report's figures or names are masked ("打码", "隐去", "xx")

Table question cues (read in a question over the indicator table; each is narrower or wider than the
question cue of the same idea above, and the difference is stated beside it):
  RANKS_HIGH      the question ranks from the top ("最高", "第一", "领先"…)
  RANKS_LOW       the question ranks from the bottom ("最低", "垫底", "倒数第一"…)
  ASKS_EVERY      the question wants the figure of every place ("各市", "分别", "列出", "哪些"…)
  ASKS_WORDING    the question asks for a report's words ("怎么描述", "在全国的地位"), not a table value
  TABLE_TARGET    the question asks for a target figure ("目标", "定在", "设定"…)
  TABLE_OUTCOME   the question asks for an achieved figure ("实际", "完成", "兑现"…)
  THRESHOLD       a threshold asked ("超过5%", "3000亿元以上"; groups = comparison, number, unit, side)
  LEVEL_ASKED     a level of places asked ("哪些省", "各市"; group 2 = the level word), LEVEL_OF_WORD maps it
  YEAR_ASKED      a year named in a table question ("2023年", also 19xx, never "年代"; group 1 = the year)
  TABLE_REPORT_YEAR a year that dates the report named in a table question (group 1 = the year)
  GROWTH_AFTER    the words right after an indicator ask for its growth ("…的增速")
  GROWTH_ASKED    the question asks for a growth rate anywhere ("增长了多少", "涨幅"…)
  AMOUNT_AFTER    the words right after an indicator ask for its amount ("…总额是多少")
  TOTAL_ASKED     the question asks for an amount anywhere ("总量", "多少亿"…)
  THIS_YEAR_ASKED / LAST_YEAR_ASKED the question says "今年" / "去年" of the figure

Report cues (read in report text):
  TARGET_IN_TEXT  a sentence states a goal, not an outcome ("力争", "目标", "预计", "将实现"…)
  GOAL_PURSUED    a goal named as what the work turns towards ("围绕…的奋斗目标，"): it sets no target
  PLAN_SECTION    a section heading introduces the plan part ("工作安排", "下一步", "今年"…)
  INSTRUCTION     a sentence addresses an AI/reader with instructions (prompt injection), never an answer
  HEADING_ONLY    a sentence that is only a section heading ("一、…", "（二）…")
  YEAR_IN_TEXT    a year named in report text ("2023年"; group 1 = the year)
  ITEM_START      text that starts an enumerated item ("一是", "（三）", "2.", "首先"…)
  FIRST_ITEM      text that starts the first item of an enumeration ("一是", "（一）", "1.")
  FIELD_HEADING   a sentence that only names a field ("基层治理方面。"): a heading run into its paragraph
  ITEM_STYLES     the numbering styles of enumerated items, higher levels first
  LATER_INLINE_ITEM an inline item numbered above one ("二是…"): the list began before it
  MASKED_IN_TEXT  a figure or name masked in report text ("xx", "××", "x.x"), counted per 1000 characters
  YEAR_REVIEWED_IN_TEXT / YEAR_PLANNED_IN_TEXT wordings that give a year the role reviewed / planned
                  ("2023年工作回顾", "回首2023年" / "2024年工作安排", "今年是…2024")
  PART_REVIEW_HEAD / PART_PLAN_HEAD  a top-level heading of the review part / of the plan part
  REVIEW_YEAR_HEAD / PLAN_YEAR_HEAD  a heading naming a year looks back / looks ahead (for the year reviewed)
  REVIEW_OPENING  an unheaded review opens the report ("过去一年", "一年来", "回顾")
  PLAN_OPENING    a paragraph that opens the plan part ("今年是…", "做好今年政府工作…"; a template: format y)
  PLAN_OPENING_WORDS words that open the plan part inside a section ("今年…工作", "指导思想", "总体要求")
  FIVE_YEAR_PLAN  a five-year plan named ("十四五"; group 1 = the digit after 十)
  PAST_FIVE_YEARS the report looks back on five years ("过去五年", "五年来")
  SUMMARY_TITLE_YEAR the year a summary's title reviews ("2023年工作总结"; group 1 = the year)
  SELF_LEVEL      how a report calls its own territory, by level ("全省", "我市", "全镇"…)
  TOWNSHIP_SELF_REFERENCE a township report speaking of itself ("我镇", "镇党委", "街道党工委"…)
  ISSUER_LEVEL_WORDS / issuer_level() an issuer spoken of by its level with no name ("该镇", "镇里", "本市")
  NATIONAL_NAMES  issuer names that mean the nation ("国务院", "全国", "中央", "国家")

Answer text:
  NOT_FOUND       the refusal phrase
  CITATION_MARK   an answer's "[n]" citation mark (group 1 = n)
"""

from __future__ import annotations

import re

NOT_FOUND = "报告中未提及"
CITATION_MARK = re.compile(r"\[(\d{1,3})\]")

# ---- question cues
# "预期" and "计划" inside the name of an indicator or a policy (人均预期寿命, 计划生育, 计划单列市) say
# nothing of a goal; "拟" inside 虚拟/模拟 neither
# 预期 of a target, not an outcome against expectations ("远超预期", "好于预期"), nor the expectations a
# policy steadies ("稳预期", "引导市场预期", "预期管理")
_EXPECTED = r"(?<![超于出合稳定善振导理场会])预期(?!寿命|管理)"
_PLANNED = r"计划(?!生育|单列)"
# 目标 names an appraisal, not a target, in 目标绩效考核/目标考评/目标管理考核/目标责任制
_TARGET_WORD = r"目标(?!绩效|考核|考评|管理|责任)"
TARGET = re.compile(rf"({_TARGET_WORD}|{_PLANNED}|力争|预计|打算|准备(?!工作)|安排|部署|将要|要实现|争取|确保|{_EXPECTED}|任务|思路|重点工作|明年|今年要)")
ACTUAL = re.compile(r"(完成了|实现了|达到了|实际|取得了|去年|前年|过去一年|上一年|回顾|成绩|成效)")
REVIEWED = re.compile(r"(去年|上年|上一年|过去一年|过去的一年|一年来|前年)")
# a relative year as the baseline of a change ("比上一年多了多少", "较去年同期"): not the time asked
BASELINE_YEAR = re.compile(r"(?:比|较|相比于?|与|跟|同)(?:去年|上年|上一年|前年)(?:同期)?(?:相比)?")
# a year named as the baseline of a change ("比2020年增长了多少", "跟2020年比降了多少"): the figure
# asked is of another year (group 1 = the baseline year)
BASELINE_NAMED = re.compile(r"(?:(?:比|较|相比于?|相较于?)\s*(20\d\d)\s*年(?:同期|底|末)?"
                            r"|(?:跟|与|同|和)\s*(20\d\d)\s*年(?:同期|底|末)?\s*(?:相比|相较|比))")
# a change asked for ("增长了多少", "降了多少", "提高了几个百分点", "翻了几番")
ASKS_CHANGE = re.compile(r"(增长|增加|提高|提升|上升|下降|降低|减少|降了|涨了|多了|少了|翻了|缩小|扩大)")
PLANNED = re.compile(r"(今年|明年|下一步|下阶段|下一阶段|新的一年|接下来|未来一年)")
LIST = re.compile(r"(哪些|有什么|有哪|包括|包含|几项|几个方面|哪几|哪[一二三四五六七八九十两]+[个项条方样件类种大]|哪(?=[“\"])|指什么|指的是|"
                  r"分别是什么|措施|举措|做法|列举|都有|主要有|重点|任务)")
# "哪几件", "哪几个方面": which items, not how many
WHICH_ITEMS = re.compile(r"哪几")
# the list cues that are nouns ("重点", "任务", "措施"): a question counting them ("重点项目有多少个",
# "考上重点本科的有多少人") asks a figure, not a list
LIST_NOUN = re.compile(r"措施|举措|做法|重点|任务")
COUNT_ASKED = re.compile(r"多少|几[个项家所人次条座万亿]")


def asks_list(topic: str) -> bool:
    """The question asks for a list: a list cue, unless its only cues are nouns and it asks how many."""
    cues_found = [m.group() for m in LIST.finditer(topic)]
    if not cues_found:
        return False
    return not (all(LIST_NOUN.fullmatch(c) for c in cues_found) and COUNT_ASKED.search(topic))
ASKS_NUMBER = re.compile(r"(多少|几|比例|占比|增长|增速|同比|总额|总量|规模|金额|数量|排名|第几|百分|率|收入|产值|总值|投资|"
                         r"面积|多大|多高|多长|更大|更多|更高|更快|更低|更少|最高|最多|最大|最低|最少)")
ASKS_QUANTITY = re.compile(r"(多少|几[个项家所人次年亿万%]|(?<!哪)几(?![乎经何月日号点时天])[\u4e00-\u9fff]|比例|占比|排名|第几|多大|多高|多长|最高|最多|最大|最低|最少|"
                           r"更高|更多|更大|更低|更少|增长了?几|增速)")
ASKS_RANK = re.compile(r"(排名|第几|位次|名次|排第|居第|排在|排位)")
COMPARISON = re.compile(
    r"(分别|相比|比较|对比|异同|区别|差异|哪个镇|哪个乡|哪个街道|哪份|哪一个|谁(?=[的]?(?:更|最|多|少|高|低|快|慢|大|小|强|弱|好))|更高|更多|更大|更快|更低|更少|"
    r"最高|最多|最大|最快|最低|最少|各自|两个镇|几个镇|两份|各镇|这些镇|都提到)"
)
ASKS_TARGET = re.compile(rf"({_TARGET_WORD}|(?:原本|本来|原先|原来)想|说要|{_PLANNED}|{_EXPECTED}|预计|力争|打算|准备(?!工作)|争取|定(?:的|在|为)|要(?:达到|实现|增长|控制))")
ASKS_OUTCOME = re.compile(r"(实际|完成了|实现了|达到了|最后|结果|最终|(?<![为除定])了(?:多少|几))")  # "运送了多少": done, not planned ("定了多少": set)
ASKS_RATE = re.compile(r"((?:几|多少)个点(?![位子])|增长了?多少|增长的?(?:预期)?目标(?:是|为)?多少|增速|增幅|涨幅|涨了多少|降了多少|下降了?多少|提高了?多少|百分之(?:几|多少)|百分点|"
                       r"率[^，。？?]{0,6}(?:是|为|在|定在|达到|控制在)?[^，。？?]{0,4}(?:多少|几)|"
                       r"率(?:最高|最低|更高|更低|排)|"
                       # a share asked ("占多大比例", "比重是多少", "占比多少", "几成")
                       r"(?:比例|比重|占比|份额)[^，。？?]{0,4}(?:多少|几|多大|多高)|(?:多大|多高|多少)的?(?:比例|比重|占比)|"
                       r"百分比|几成)")
# the question asks how much something changed, which a report writes as a per cent or as the amount
# of the change ("最低工资标准每月提高183元"); unlike a growth rate asked ("增速", "百分之几")
ASKS_CHANGE = re.compile(r"(增长|涨|降|下降|提高|增加|减少|降低|上调|下调)了?多少")
# a figure written right after a change verb is the amount of the change ("增加30元", "提高到" is not)
CHANGE_AMOUNT_BEFORE = re.compile(r"(?:提高|增加|增长|下降|减少|降低|上涨|上调|下调|涨|降)(?:了|约|近|超过|逾)?$")
# the question speaks of a change at all ("增速", "新增", "比上年多了", "改善了多少"): else it asks a level
SPEAKS_OF_CHANGE = re.compile(r"增|涨|降|便宜|贵了|提高|提升|上升|减少|多了|少了|变化|改善|翻|缩小|扩大|同比|比上年|较上年|相比")
# a figure written right after a verb of change, with no 到/至 (a level reached), is the change
# ("较“十三五”末改善16.5%", "增长5.2%"), not the level ("降到32.4微克/立方米")
CHANGE_BEFORE_FIGURE = re.compile(r"(?:提高|提升|增加|增长|上升|下降|减少|降低|改善|上涨|涨|降)(?:了|约|近|超过|逾)?$")
ASKS_AMOUNT = re.compile(r"(总量|规模(?!以上)|一共|总共|合计|共计|多少(?:亿|万|千)?(?:元|美元|人|吨|斤|家|个|件|公里|亩|套|辆|张|所|项)|"
                         r"多少(?:钱|人)|[几多]个|多大(?!的?(?:比例|比重|占比)))")
PARTICLES = re.compile(r"[了过着和与及跟或的]")
# a numbered group named in a question, asked to be spelled out: "“六稳”是哪六个方面", "三大攻坚战是哪三个"
# (group n = the number, head = the group's word)
NAMED_GROUP = re.compile(r"[“\"]?(?P<n>[二三四五六七八九十两]{1,2})(?:大|项|个|件|条)?(?P<head>(?:个?方面)?[\u4e00-\u9fff]{1,4}?)[”\"]?"
                         r"(?:目标|工作|要求|任务|举措|措施)?(?:是|具体|指|包括|分别|都|[，,]分别)")
# an entry of a report's glossary (名词解释: "13.“IT+低碳”智慧园区：指依托…", "5.专精特新：是指…"); group q or t
# = the term it defines. It explains that term; it tells no plan or outcome of the year
GLOSSARY_ENTRY = re.compile(r"^\s*\d{1,2}[.．、]\s*(?:[“\"《](?P<q>[^”\"》]{2,24})[”\"》][^：:，,。]{0,10}"
                            r"|(?P<t>[^：:，,。“”\"]{2,24}))[：:]\s*(?(q)|(?:指|是指))")


# a figure over several years ("五年生产原煤65亿吨", "年均增长7%", "累计完成", "“十四五”期间"), when
# written before the figure in its clause: it answers no single year's question
SPAN_FIGURE = re.compile(r"(年均|平均每年|(?:[两三四五六七八九十]|(?<![\d.])(?:[2-9]|1\d))年(?:来|间|内|中)?|累计|十[一二三四五六七]五)"
                         r"[^，,。；;：:]{0,14}$")
# a clause opening with a span of years ("五年生产原煤65亿吨", "十四五期间，…"); not "累计", which may
# total one year
SPAN_OPENING = re.compile(r"\s*(?:(?:过去|这|近)?[两三四五六七八九十]年(?:来|间|中|内)?|“?十[一二三四五六七]五”?(?:时期|期间|以来)?)")
# a single year named: ends what a span opening tells
SINGLE_YEAR_NAMED = re.compile(r"\d{4}年(?!代|[—-]|至|到)|全年|今年|去年|当年|上年|一年来|过去一年")
# a paragraph that looks back on several years at once ("五年来，…", "“十四五”时期，…"): its
# figures are totals or averages of the span, not one year's
SPAN_PARAGRAPH = re.compile(r"^[\s—－-]*(?:(?:过去|这)[两三四五六七八九十]年|近?[两三四五六七八九十]年(?:来|间|中)|"
                            r"“?十[一二三四五六七]五”?(?:时期|期间|以来))")
# a level reached, written right before its figure ("人均预期寿命达到82.58岁", "森林覆盖率提高到
# 24.6%"): said of a span of years, the level stood at the span's end, the last year looked back on;
# its clause counts nothing done over the span (新增, 建成, 累计: those total the years)
LEVEL_REACHED = re.compile(r"(?:达到|达|提高到|提升到|提高至|提升至|增至|增加到|升至|上升到|突破|超过|稳定在|保持在)$")
PAST_SPAN_OPENING = re.compile(r"^[\s—－-]*(?:(?:过去|这|近)[两三四五六七八九十]年|[两三四五六七八九十]年(?:来|以来)|"
                               r"“?十[一二三四五六七]五”?以来)")
SPAN_COUNT_WORD = re.compile(r"新增|新建|建成|建设|累计|共计|合计|总计|完成|实施|引进|改造|打造|培育|创建|年均")
# the years just looked back on, asked as a span ("这五年", "过去五年", "五年来")
PAST_SPAN_ASKED = re.compile(r"(?:这|过去|近)[两三四五六七八九十]年|[两三四五六七八九十]年(?:来|以来)")
# a five-year plan named ("十四五")
PLAN_NAME = re.compile(r"十[一二三四五六七]五")
# the question itself asks about a span of years ("年均增长多少", "五年来", "“十四五”期间")
ASKS_FROM_TO = re.compile(r"[从由](?:多少|几)[^，,。？?；;]{0,12}?(?:到|至)[了]?(?:多少|几)|[从由](?:多少|几)[^，,。？?；;]{0,6}?(?:提|降|涨|增|减|升|调)")
FROM_TO = re.compile(r"[从由][^，,。；;]{0,24}?\d[^，,。；;]{0,24}?(?:到|至)[^，,。；;]{0,8}?\d")
ASKS_SPAN = re.compile(r"(年均|平均|[两三四五六七八九十]年|(?<![\d.])[1-9]\d?年(?!度|级)|累计|十[一二三四五六七]五|期间|这些年|历年)")
# the question asks for a person (or a team, a winner): "谁", "哪位", "何人"
ASKS_WHO = re.compile(r"谁|哪位|何人")
# which one is the most, asked ("票房最高的电影是哪一部", "哪个产业增长最快"), and a sentence telling
# the first of an order ("位列年度第一", "居首位", "最高")
ASKS_TOP = re.compile(r"最(?:高|多|大|快|强|好|受欢迎)[^，,。？?]{0,12}(?:哪|谁|什么)|(?:哪|谁)[^，,。？?]{0,12}最(?:高|多|大|快|强|好)")
TELLS_TOP = re.compile(r"第一(?![批次届个])|首位|榜首|居首|之首|冠军|最(?:高|多|大|快|强|好|受欢迎)")
ASKS_WHEN = re.compile(r"(什么时候|何时|哪天|哪一天|几月|几日|几号|几点|哪一年|哪年|日期|时间|时候)")
# a date or a time asked outright (not a duration: "办理时间压缩到几天" asks how long; nor a year
# compared: "哪年更多" asks which of two), and one told
# ("2009年12月", "6月28日", "12时31分", "去年"): only a sentence telling one answers
ASKS_DATE = re.compile(r"(什么时候|何时|哪天|哪一天|几月|几日|几号|几点|哪一?年(?![^，,。？?]{0,4}(?:更|最|多|少|高|低|快|慢|大|小|好)))")
TELLS_WHEN = re.compile(r"((?:19|20)\d{2}\s*年|\d{1,2}\s*月|\d{1,2}\s*[日号]|\d{1,2}\s*[时点]|[一二三四五六七八九十]{1,3}月|"
                        r"今年|去年|明年|前年|当年|同年|次年|当天|当日|年初|年底|年末|年中|上半年|下半年|届时)")
# how many kinds or items are asked with 几 and a measure word ("几大", "几类", "几项"): group 1 = the word
ASKS_HOW_MANY_KINDS = re.compile(r"几([大类项条种个批])")
# how many there are in all, not how many were added ("累计建成了多少所", "总数", "共有多少")
ASKS_STOCK = re.compile(r"累计|总数|共有|现有|到\d{4}年底|年末共")
ASKS_ADDED = re.compile(r"新|增")
# the year's additions written before a figure in its clause ("新建村级文化礼堂20所")
ADDED_BEFORE_FIGURE = re.compile(r"新建|新增|新开工|新设|新培育|新认定|新招")
# a figure of one day ("单日最高客运量", "日均客流"): it answers only a question speaking of a day
DAY_FIGURE = re.compile(r"单日|日均|每日|每天|最高日|高峰日|日最高")
SPEAKS_OF_DAY = re.compile(r"[日天]")
PART_OF_YEAR = re.compile(r"第?([一二三四1-4]季度|[上下]半年|前[二三两]季度)")
ASKS_WHO_WHAT = re.compile(r"(谁|哪[个支位家座所里儿国些]?(?![几一二三四五六七八九十两])|什么|何[人地处时])")
ASKS_REASON = re.compile(r"(为什么|为何|什么原因|原因是|何以|怎么会)")
STRUCTURE = re.compile(r"(重点工作|主要工作|工作重点|主要任务|重点任务|工作安排|工作部署|工作思路|哪些方面|"
                       r"[哪几一二三四五六七八九十][一二三四五六七八九十几]*个?方面|[哪几][一二三四五六七八九十几]*大?(?:块|个?部分)|主要做法|哪些工作|做了哪些|主要成绩|哪些成绩|主要成效|哪些成效|抓哪些|抓什么)")
REVIEW_WORDS = re.compile(r"(成绩|成效|做法|做了|回顾|完成|取得)")
# a field named in a question ("在孩子上学方面做了哪些事", "教育这块", "民生领域"): the question asks
# about that field, not for the report's list of sections (group 1 = the field; see field_asked)
FIELD_ASKED = re.compile(r"([\u4e00-\u9fff、]{2,12}?)(?:方面|这块|这一块|领域)")

# the words of a question that ask (what, how much, which, when…) rather than name what is asked about
QUESTION_WORDS = frozenset(
    "哪次 哪年 哪位 哪一 哪项 哪几项 哪几个 哪几 几项 几家 几个 一个 什么样 怎么 为什么 什么 些 这块 那块 "
    "这件事 这事 事 加起来 合计 有没有 是不是 能 能否 可以 要 想 进来 出来 起来 一年 全年 当年 今年 去年 前年 "
    "现在 目前 当前 如今 眼下 当下 现阶段 期间 一块 这一块 那一块 部分 一部分 这部分 那部分 几件事 哪几件事 "
    "不同 区别 差异 异同 实际 实际上 最后 完成 实现 达到 目标 计划 打算 准备 定 力争 预计 分别 各 各自 各有 各是 各为 各达 相比 比较 对比 谁 更 最 哪个 多少 几 "
    "怎么样 如何 情况 方面 呢 吗 主要 具体 都 有 是 了 的 和 与 跟 还 又 哪些 有哪些 包括 指 指什么 叫 叫什么 "
    "更大 更多 更高 更快 更低 更少 更好 最高 最多 最大 最快 最低 最少 靠前 靠后 排前 多得多 少得多 "
    "面积 数量 人数 个数 金额 件数 户数 多大 多高 多长 比 少 多 少了 多了 这件 "
    "百分之几 百分之多少 几成 几倍 多少倍 百分比 "
    "回顾 已经 已 曾经 曾 镇里 乡里 县里 区里 市里 省里 镇上 乡上 该镇 本镇 按 按照 据 根据 说法 次数 分成 分为 来讲 来说 到 到了 换成 换到 轮到 至于 整年 一整年 下来 到头 一共 总共 共 大约 大概 差不多 到底 究竟 "
    "中排 里排 那份 这份 那个 这个 报告 政府 工作 工作报告 里 中 提到 提出 说 讲 写 年底 年末 拿到 拿 搞 做 干 派 去 来 给 帮 让 被 把".split()
)

# a "which" word however the segmenter cut it ("哪一年", "哪一部", "哪家"), but not a name (哪吒)
WHICH_WORD = re.compile(r"^哪[一几]?[年个部位家种项次天里儿些所座条只支届国省市区县镇月日季]$")
# "how many" with its counting word ("几座", "几处", "几条"): it asks, it names nothing
HOW_MANY_WORD = re.compile(r"^几[个项家所人次座处条只件台辆栋间批场部类名位户套张种轮期]$")
# the count of the reports compared ("三份报告", "两份"): it names no topic
REPORTS_COUNTED = re.compile(r"^[两二三四五六七八九十几]份$")
# the count of the parts a list is asked in ("分了哪三块", "哪四个方面"): it names no topic
PARTS_COUNTED = re.compile(r"^[两二三四五六七八九十几]+(?:大?块|个?方面|部分|大类)$")


def is_question_word(token: str) -> bool:
    """A word that asks rather than names what is asked ("多少", "哪一年", "有哪些")."""
    return (token in QUESTION_WORDS or bool(WHICH_WORD.match(token)) or bool(REPORTS_COUNTED.match(token))
            or bool(HOW_MANY_WORD.match(token)) or bool(PARTS_COUNTED.match(token)))


# words that link a follow-up to what was asked before ("其中出口呢？": 出口 is what is asked, as a
# part of the previous topic) rather than name anything a sentence must hold: they weigh little
LINKING_WORDS = frozenset("其中 此外 那么 然后 接着".split())

# the present asked with no year ("已经连续多少年", "目前有多少", "至今"): it speaks from today
ASKS_NOW = re.compile(r"已经|目前|现在|当前|至今|如今|眼下")

# a share of a whole asked ("研发投入占经济总量的比重", "占GDP比例"): a rate, whatever the whole's
# name holds (总量, 钱)
ASKS_SHARE_OF = re.compile(r"占[^，,。？?；;]{0,14}?(?:比重|比例|份额|的比)")

# how far apart the sides compared are ("差距有多大", "相差多少", "差了几个百分点"): asked of the figures
# found, no word of the topic
ASKS_GAP = re.compile(r"(?:差距|相差|差别|差)(?:有|是)?多[大少]|差了多少|差几")

# this year's report named ("按各自今年的报告", "今年政府工作报告里"): the report delivered this year —
# it names the report, not the part of it asked
THIS_YEARS_REPORT = re.compile(r"今年(?:的|发布的|作的)?(?:政府)?(?:工作)?报告")

# spoken intensifiers ("真正给解决了", "到底", "实实在在"): they stress, and no report writes what
# they stress with them
SPOKEN_FILLERS = frozenset("真正 真的 究竟 实实在在 确确实实".split())

# a share asked in words ("多大比例", "百分之几", "占比多少"): reports write such a share as the verb's
# rate ("解决率", "满意率", "覆盖率")
ASKS_SHARE = re.compile(r"多大比例|多少比例|比例[^，,。？?；;]{0,4}?多少|百分之(?:几|多少)|占比(?:是|为)?多少|比率")

# "主要目标有哪些？": the question word *is* the topic when no other word is left
TOPICAL_QUESTION_WORDS = frozenset("目标 计划 任务 完成 实现 成绩 成效 工作 重点 报告".split())

# a year named in a question (group 1 = the year)
YEAR_NAMED = re.compile(r"(?<!\d)(20\d\d)\s*年?")

# a year that dates the report itself, not the data: "2016年国务院政府工作报告里，2015年…",
# "深圳市2024年政府工作报告说…", "2023年的报告中"; years listed before it name reports too
YEAR_LIST = re.compile(r"(?:(?:19|20)\d\d\s*年?\s*[、，,和与及至到-]\s*)+(?:19|20)\d\d\s*年")
REPORT_YEAR = re.compile(r"(20\d\d)\s*年(?:的|度)?[\u4e00-\u9fff]{0,10}?(?:政府工作报告|工作报告|报告|总结)")
# a horizon year ("到2020年", "至2035年"; group 1 = the year): beside a report named, the horizon of that
# report's targets, not a year some report reviews or plans
HORIZON_YEAR = re.compile(r"(?:到|至)\s*((?:19|20)\d\d)\s*年")

# the report named as the source is not what is asked about ("政府工作报告里，…", "据…报告说")
REPORT_REF = re.compile(r"(?:据|根据|按照|看)?(?:的)?(?:政府工作报告|管委会工作报告|工作报告|工作总结|报告)"
                        r"(?:里|中|上|说|讲|提到|提出|指出|显示|称|写道|所说|定的|提的)*[，,：:]?")

# a question that asks for a target and for what came of it ("目标是多少？实际完成了多少？")
OUTCOME_AFTER_TARGET = re.compile(rf"({_TARGET_WORD}|(?:原本|本来|原先|原来)想|说要|{_PLANNED}|{_EXPECTED}|打算|原计划|定的|承诺)[^。？?]*?[，,？?。；;]\s*[^。]*?"
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
NATIONAL = re.compile(r"(国务院|中央政府|全国|(?:国家|我国)(?=\s*(?:19|20)\d\d)"
                      # ... or after the year, as the subject of a plan or promise ("2018年国家打算…")
                      r"|(?<=\d年)(?:国家|我国)(?=打算|计划|准备|承诺|提出|说|要|定|安排))")
# 全国 as an issuer beside others: joined to them ("2019年全国和深圳市…", "深圳市和全国的…") or
# setting its own figure ("全国定的失业率目标", "国家定的…目标"); not a yardstick ("高于全国", "与全国平均水平相比")
NATION_AS_SUBJECT = re.compile(r"全国(?=和|与|、|及|跟|同|定的|提出的|的(?:预期)?目标)"
                               r"|(?<![发达中外本])国家(?=定的|提出的|制定的|确定的|设定的|的(?:预期)?目标)"
                               r"|(?<=[和与、及跟同])全国(?!平均|水平|相比|比|第|前|首|各|范围|总量|占|的?平均)")
# 全国 as a yardstick, even with no other issuer named ("占全国多少", "居全国第一", "高于全国平均"):
# the measure a place is held against, not the issuer asked about
NATION_AS_YARDSTICK = re.compile(r"(?:占|居|位居|位列|高于|低于|快于|慢于|超过|领先|于)全国"
                                 r"|全国(?:平均|水平|第[一二三四五六七八九十几\d]|排|前列|首位|领先|总量的?|的?比重)")

# a report referred to by what it says ("提到京东区域总部的那个镇", "那份…的报告", "京东区域总部所在的镇");
# group a, b, c or d = the description
DESCRIBED_REPORT = re.compile(
    r"(?P<a>[^，,。？?；;！!]{2,40}?)的(?:那个|那份|那篇|这个|这份|那一份)[\u4e00-\u9fff]{0,10}(?:镇|乡|街道|报告|总结|文件|文档|材料)"
    r"|(?:那份|那个|这份|那篇)(?P<b>[^，,。？?；;！!]{2,30}?)的[\u4e00-\u9fff]{0,10}(?:镇|乡|街道|报告|总结)"
    r"|(?P<c>[^，,。？?；;！!]{6,50}?)的(?:镇|乡)?(?:人民)?(?:政府)?(?:工作)?(?:报告|总结)"
    r"|(?P<d>[^，,。？?；;！!]{4,40}?)所在的?(?:那个|这个)?(?:镇|乡|街道)"
)

# what a description says a year is in its report, read in the few characters before the year
# ("标题写着2023年的那份" -> title); the first role that matches wins, none means any role
YEAR_ROLES = (
    ("title", re.compile(r"(标题|题目|写着|写的|名为)")),
    ("reviewed", re.compile(r"(回顾|总结|过去|完成)")),
    ("planned", re.compile(r"(计划|部署|安排|目标)")),
)

# a description says the report's figures or names are masked ("数字都打成xx的那份", "隐去了名字的报告")
DESCRIBED_MASKED = re.compile(r"(xx|XX|××|打码|打了码|隐去|隐藏|匿名|马赛克|遮盖|代替)")

# ---- table question cues (a question over the indicator table, rag/table_question.py)

# the question ranks from the top / from the bottom (comparatives too: "哪个更高")
RANKS_HIGH = re.compile(r"最高|最大|最快|最多|第一|居首|排名第一|排第一|领先|最好|更高|更大|更快|更多")
RANKS_LOW = re.compile(r"最低|最小|最慢|最少|垫底|最差|倒数第一|更低|更小|更慢|更少")

# the question wants the figure of every place in scope ("各市", "每个省", "分别", "列出", "哪些");
# "各位/各项/各类/各种/各方面/各级" are not places
# a question after a report's own words, not a figure: how it describes or puts something ("各自是怎么描述
# 的"), or a place in the nation it claims ("在全国的地位") — read in the report, never looked up as a value
ASKS_WORDING = re.compile(r"(?:怎么|如何|怎样)(?:描述|表述|形容|概括|评价|定位)|在全[国省市区]的?(?:地位|位置)")
ASKS_EVERY = re.compile(r"各(?!位|项|类|种|方面|级)|每个|每一个|分别|都是多少|都有多少|列出|列表|一览|所有|全部|哪些|哪几个|哪几|汇总")

# the question asks for a target figure / for an achieved figure. Unlike ASKS_TARGET, TABLE_TARGET takes
# "安排", "设定" and leaves out "预计" (an expected figure is an outcome in the table); unlike ASKS_OUTCOME, TABLE_OUTCOME takes "完成" alone, "做到", "兑现", "达成", "达标", "落实了"
TABLE_TARGET = re.compile(rf"{_TARGET_WORD}|{_EXPECTED}|{_PLANNED}|力争|打算|争取|定在|定为|安排|设定|要(?:达到|实现|增长|控制)")
TABLE_OUTCOME = re.compile(r"实际|完成|实现了|达到了|做到|兑现|结果|达成|达标|落实了")

# a threshold asked ("超过5%", "不低于3000亿元", "6%以上"): group 1 = the comparison word, 2 = the
# number, 3 = the unit, 4 = the side written after it
THRESHOLD = re.compile(
    r"(超过|高于|大于|多于|不低于|不少于|低于|小于|少于|不到|不足|不超过|不高于|达到|定在|定为|设定在|在|为|是)?\s*"
    + r"(\d+(?:\.\d+)?)" + r"\s*(%|％|个百分点|万亿元|亿元|万元|元|万人|人|万吨|亿斤)\s*(及以上|以上|之上|及以下|以下|以内|之内|之下|左右)?")

# a level of places asked ("哪些省", "各市", "全国各省份", "多少个县"; group 2 = the level word), and the
# level each level word means
LEVEL_ASKED = re.compile(
    r"(哪个|哪些|哪几个|哪一个|各个|各|每个|每一个|所有|全部|全国各|多少个|几个|\d+个)"
    r"(省份|省区|省市区|省市|省|自治区|直辖市|地级市|城市|市|区县|县区|县市区|区|县|乡镇|镇|街道)")
LEVEL_OF_WORD = {"省份": "province", "省区": "province", "省市区": "province", "省市": "province", "省": "province",
                 "自治区": "province", "直辖市": "province", "地级市": "city", "城市": "city", "市": "city",
                 "区县": "county", "县区": "county", "县市区": "county", "区": "county", "县": "county",
                 "乡镇": "township", "镇": "township", "街道": "township"}

# a year named in a table question (group 1 = the year). Unlike YEAR_NAMED: 19xx too, "年" required,
# never "年代"
YEAR_ASKED = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?!代)")

# a year that dates the report named in a table question (group 1 = the year). Unlike REPORT_YEAR:
# 19xx too, and "总结" does not name a report (the table holds government work reports)
TABLE_REPORT_YEAR = re.compile(r"((?:19|20)\d\d)\s*年(?:的|度)?[\u4e00-\u9fff]{0,10}?(?:政府工作报告|工作报告|报告)")

# the figure asked is a growth rate: right after the indicator's name ("…的增速") / anywhere in the
# question (narrower than ASKS_RATE: "提高了多少", "…率是多少" are not read as growth here)
GROWTH_AFTER = re.compile(r"^(?:的)?(?:年均)?(?:增长|增速|增幅|涨幅|增长率|增长速度|增长目标|增速目标)")
GROWTH_ASKED = re.compile(r"增速|增长率|增幅|涨幅|增长速度|增长多少|增长了多少|增长目标|增长几|涨多少|涨了多少|涨了?几|"
                          r"增长更快|增长最快|增长得?更|增长得?最|各增长|分别增长|百分之|百分点")

# the figure asked is an amount: right after the indicator's name ("…总额是多少") / anywhere in the
# question (narrower than ASKS_AMOUNT: no units after "多少", no "[几多]个")
AMOUNT_AFTER = re.compile(r"^(?:的)?(?:总量|总额|规模)?(?:各|分别|都)?(?:是|为|有|达到)?多少")
TOTAL_ASKED = re.compile(r"总量|总额|规模|多少亿|多少万|几万亿|多少钱|达到多少|有多大|多大")

# the question says the figure is this year's / last year's (narrower than PLANNED / REVIEWED)
THIS_YEAR_ASKED = re.compile(r"今年|本年")
LAST_YEAR_ASKED = re.compile(r"去年|上年|上一年")

# a question asking how far along something is ("进行到哪一步了", "进展到什么程度", "推进得怎么样"):
# the words of the asking ("进行", "一步", "程度") name nothing the report writes about
ASKS_PROGRESS = re.compile(r"(?:进行|进展|推进|发展|做|搞|办)(?:到了?|得)(?:哪一步|哪个阶段|什么(?:程度|阶段|地步)|怎么样|如何)了?"
                           r"|进展(?:如何|怎么样|怎样)|(?:什么|哪些|有何|有什么)(?:新的?)?进展|(?:到了?)?哪一步了?")

# ---- report cues
# in a report's text, 计划 ending a noun phrase is a programme's name ("实施“深圳蓝”可持续计划，",
# "三年行动计划等"), which tells no target; 计划 planning something is followed by what is planned
_PLANNED_IN_TEXT = _PLANNED + r"(?![，,、。；;：:”」）)》]|的|等|和|与|及|以来)"
# a goal named as what the work is turned towards ("围绕“…”的奋斗目标，", "朝着…目标，"): the clause
# before 目标 opens on a verb of orientation; it sets no target
GOAL_PURSUED = re.compile(r"(?:围绕|朝着|向着|紧扣|聚焦|锚定|对标|瞄准)[^，,。；;]*$")
TARGET_IN_TEXT = re.compile(rf"(力争|{_TARGET_WORD}|{_PLANNED_IN_TEXT}|预计|确保|争取|(?<![虚模])拟|{_EXPECTED}|将要|将实现|将达到|将于|将在)")
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

# a sentence that only names a field ("基层治理方面。", "民生保障领域："): a heading the page ran into
# its paragraph; the sentences after it, up to the next such heading, are its items
FIELD_HEADING = re.compile(r"^\s*[\u4e00-\u9fff、]{2,10}(?:方面|领域)\s*[。：:]?\s*$")

# the first item of an enumeration ("一是", "首先", "（一）", "1."): a list starts here; an item numbered
# above one ("六是…") goes on a list that began before
FIRST_ITEM = re.compile(r"^\s*(?:一是|一要|第一[，,、]|首先|一、|[（(]一[)）]|1[.、．](?!\d)|[（(]1[)）])")

# a sentence that refers back to what precedes it ("以上问题事关…", "上述目标…"): it closes a list
REFERS_BACK = re.compile(r"^\s*(?:以上|上述)")

# the problems a report admits: the question asks for them ("存在哪些问题/短板/不足"), not for
# what was solved ("解决了哪些问题"); the report's sentence owning up to them ("我们也清醒地认识到，
# …还面临不少困难和挑战"), and the sentence referring back to them ("面对这些问题，…")
ASKS_PROBLEMS = re.compile(r"(问题|不足|短板|困难|挑战|差距|毛病|难处|薄弱|弱项|欠缺|承认|坦言|坦承)")
SOLVES_PROBLEMS = re.compile(r"(解决|破解|化解|整治|整改|克服|战胜|应对|补齐|补上|攻克|针对)")
# solving denied ("还有哪些难处没解决", "尚未破解的问题"): the problems that remain, as admitted
UNSOLVED = re.compile(r"(?:没有?|未|尚未|还没有?|没能|未能|难以|不好)(?:得到|被|能)?(?:解决|破解|化解|克服|补齐|补上|攻克)")
ADMITS_PROBLEMS = re.compile(r"(?:认识到|看到|意识到|认识|不容忽视|深知)")  # owning up: "清醒地认识到"
ADMITS_PROBLEMS_WEAK = re.compile(r"(?:存在|面临|还有)")  # "还面临一些困难和挑战"
PROBLEM_WORDS = re.compile(r"(问题|困难|不足|挑战|短板|差距)")
CLOSES_PROBLEMS = re.compile(r"(?:这些|上述|以上)[^，。,]{0,10}(?:问题|困难|挑战|不足|短板)|"
                             r"^\s*(?:对此|我们(?:一定|将|要|必须|会))")

# an inline enumerated item numbered above one ("二是…", "三要…"): a list that began earlier
LATER_INLINE_ITEM = re.compile(r"([二三四五六七八九十])([是要])")

# numbering styles of enumerated items, higher levels first
ITEM_STYLES = (
    ("一、", re.compile(r"^\s*[一二三四五六七八九十]{1,2}、")),
    # a scraped page may lose the opening bracket ("二)以大项目…" between "(一)" and "(三)")
    ("（一）", re.compile(r"^\s*[（(]?[一二三四五六七八九十]{1,2}[)）]")),
    ("一是", re.compile(r"^\s*(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])是")),
    ("一要", re.compile(r"^\s*(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])要")),
    ("第一", re.compile(r"^\s*(?:第[一二三四五六七八九十]{1,2}[，,、]|首先|其次)")),
    ("1.", re.compile(r"^\s*\d{1,2}[.、．](?!\d)")),
    ("（1）", re.compile(r"^\s*[（(]\d{1,2}[)）]")),
)

# a figure or name masked in report text ("xx", "××", "x.x"): how much of a report is hidden
MASKED_IN_TEXT = re.compile(r"[xX×]{2,}|[xX]\.[xX]")

# wordings that give a year the role reviewed ("2023年工作回顾", "回首2023年", "2023年是…之年",
# "2023年，全镇…") / planned ("2024年工作安排", "今年是…2024"); group(s) holding the year are the
# 20xx ones
YEAR_REVIEWED_IN_TEXT = (
    re.compile(r"(20\d\d)年(以来)?(的)?(工作)?(回顾|总结)"),
    re.compile(r"(?:过去的|刚刚过去的|回顾|回首)(20\d\d)年"),
    re.compile(r"(20\d\d)年是[^。]{0,40}?(周年|一年|之年)"),
    re.compile(r"(20\d\d)年[，,]?\s*(全镇|全乡|我镇|我乡|全街道)"),
)
YEAR_PLANNED_IN_TEXT = (
    re.compile(r"(20\d\d)年(的)?(工作)?(安排|打算|思路|目标任务|主要目标|计划|重点工作|主要预期目标)"),
    re.compile(r"(?:今年|明年)是[^。]{0,30}?(20\d\d)"),
)

# a top-level heading of the review part / of the plan part: where a report turns to the year ahead
PART_REVIEW_HEAD = re.compile(r"(回顾|成就|总结|过去|成绩|以来工作|工作情况)")
PART_PLAN_HEAD = re.compile(r"(安排|任务|目标|思路|打算|要求|部署|重点工作|主要工作|政策取向|举措|建议|展望|计划|今后|下一步|下阶段)")

# a heading that names a year looks back / looks ahead: which year the review part reviews. Unlike
# PART_REVIEW_HEAD, "主要工作" looks back here when it ends the heading ("2020年主要工作"), and
# "以来工作" is not read; unlike PART_PLAN_HEAD, "重点" and "取向" alone look ahead, "举措", "展望",
# "今后", "下一步", "下阶段" are not read
REVIEW_YEAR_HEAD = re.compile(r"(回顾|成绩|总结|过去|成就|主要工作$|工作情况)")
PLAN_YEAR_HEAD = re.compile(r"(任务|安排|打算|思路|目标|要求|部署|建议|计划|重点|取向)")

# an unheaded review opens the report ("过去一年，…", "一年来", "回顾…")
REVIEW_OPENING = re.compile(r"(过去一年|一年来|回顾)")

# a paragraph that opens the plan part ("今年是…", "2024年政府工作…", "做好今年政府工作…"): a template,
# fill in y (the planned year or a year pattern) with PLAN_OPENING.pattern.format(y=…) and compile with re.M
PLAN_OPENING = re.compile(r"^(?:各位代表[!！，,：:]\s*)?(?:今年|{y}年)(?:是|政府工作|经济社会发展|的?主要|工作的总体要求|将|要)|"
                          r"^(?:做好|今年)[^。]{{0,12}}(?:政府工作|主要预期目标|总体要求)")

# words that open the plan part inside a section ("今年的主要工作", "指导思想", "总体要求")
PLAN_OPENING_WORDS = re.compile(r"(今年[^。]{0,6}(工作|目标|任务)|指导思想|总体要求|总体部署)")

# a five-year plan named ("十四五"; group 1 = the digit after 十)
FIVE_YEAR_PLAN = re.compile(r"十([一二三四五六七八九])五")

# the report looks back on five years ("过去五年", "五年来")
PAST_FIVE_YEARS = re.compile(r"过去五年|五年来")

# the year a summary's title reviews ("2023年工作总结", "2023年度工作情况"; group 1 = the year)
SUMMARY_TITLE_YEAR = re.compile(r"(\d{4})年(?:度)?(?:工作总结|工作情况)")

# how a report calls its own territory, by level ("全省", "我市", "全镇"…), higher levels first
SELF_LEVEL = (
    ("national", re.compile(r"全国各族人民|我国|全国")),
    ("province", re.compile(r"全省|我省|全区各族|全自治区")),
    ("city", re.compile(r"全市|我市")),
    ("county", re.compile(r"全区|我区|全县|我县|全旗|新区")),
    ("township", re.compile(r"全镇|我镇|本镇|全乡|我乡|全街道|街道党工委")),
)

# a township report speaking of itself: wider than SELF_LEVEL's township words (its organs too:
# "镇党委", "镇人大", "镇政府", "乡党委", "乡人大"), read to tell a town report from its wording
TOWNSHIP_SELF_REFERENCE = re.compile(r"全镇|我镇|本镇|镇党委|镇人大|镇政府|全乡|我乡|乡党委|乡人大|街道党工委|全街道")

# a follow-up pointing at the report the conversation is about ("那报告", "这份报告", "该报告里")
SAME_REPORT = re.compile(r"(?:那|这|该|此|同一)(?:份|个|篇)?(?:政府工作)?报告")
# a follow-up pointing back at what was asked before ("说的上一年这个数是多少？", "这项指标呢？")
REFERS_BACK = re.compile(r"(?:这个|这一|这项|该|同一|同样的?)(?:数字?|数据|数值|指标|比例|比重|数目|数量)")

# nouns of money ("多少资金", "多少钱", "经费"): like a unit, they say an amount of money is asked, not
# what the amount is of
MONEY_NOUNS = frozenset("资金 钱 金额 经费 费用 款 款项 钱款 资金量".split())

# a follow-up moving the conversation's year by one ("前一年呢？", "下一年又是多少？"; not 同一年, nor
# the baseline of a change, "比上一年多了多少")
_YEAR_BEFORE = re.compile(r"(?<![同当比较与跟])(?:前一年|上一年|头一年)")
_YEAR_AFTER = re.compile(r"(?<![同当比较与跟])(?:后一年|下一年|次年|第二年)")


def year_shift(question: str) -> int:
    """-1 for a follow-up asking the year before the conversation's, +1 the year after, else 0."""
    before, after = bool(_YEAR_BEFORE.search(question)), bool(_YEAR_AFTER.search(question))
    return -1 if before and not after else 1 if after and not before else 0


# a question naming no place but speaking of the issuer by its level ("该镇", "镇里", "镇上", "镇政府",
# "这份镇政府工作报告", "本市", "县里"): a report of that level is asked about ("城镇", "城市里" are no
# issuer; 区 is left out: 全区 is also an autonomous region's word for itself, 社区/园区 are no issuer)
ISSUER_LEVEL_WORDS = (
    ("township", re.compile(r"(?:该|本|这个|这|此|全)(?:镇|乡|街道)|(?<![城村集])镇(?:里|上|政府|人民政府|党委|的?(?:政府)?工作报告)|"
                            r"(?<![城])乡(?:政府|人民政府|党委)|街道办事处")),
    ("county", re.compile(r"(?:该|本|这个|此|全)县|(?<![郡])县(?:里|政府|人民政府|的?(?:政府)?工作报告)")),
    ("city", re.compile(r"(?:该|本|这个|此)市(?![场民值])|(?<![城都超夜股楼])市(?:里|政府|人民政府|的?(?:政府)?工作报告)")),
    ("province", re.compile(r"(?:该|本|这个|此)省|(?<![节外])省(?:里|政府|人民政府|的?(?:政府)?工作报告)")),
)


def issuer_level(question: str) -> str | None:
    """The one issuer level the question speaks of by its level words (None: none, or several)."""
    found = {level for level, pat in ISSUER_LEVEL_WORDS if pat.search(question)}
    return found.pop() if len(found) == 1 else None


# issuer names that mean the nation, matched whole (unlike NATIONAL, read inside a question)
NATIONAL_NAMES = ("国务院", "全国", "中央", "国家")

# measures that come in opposite pairs: a figure of one never answers the other ("一般公共预算支出"
# asked, "一般公共预算收入612万元" written). A word holding both (进出口, 存贷款, 收支) is neither.
OPPOSITE_MEASURES = (("收入", "支出"), ("进口", "出口"), ("存款", "贷款"), ("流入", "流出"), ("调入", "调出"))
_BOTH_SIDES = re.compile(r"进出口|存贷款|收支|出入境")


def opposites_asked(question: str) -> list[tuple[str, str]]:
    """(the measure asked, its opposite) for each pair of which the question asks one side only."""
    q = _BOTH_SIDES.sub(" ", question)
    return [(asked, other) for a, b in OPPOSITE_MEASURES for asked, other in ((a, b), (b, a))
            if asked in q and other not in q]


def writes_only_the_opposite(asked: list[tuple[str, str]], text: str) -> bool:
    """The text writes the opposite of a measure asked and not the measure itself."""
    t = _BOTH_SIDES.sub(" ", text)
    return any(other in t and measure not in t for measure, other in asked)
