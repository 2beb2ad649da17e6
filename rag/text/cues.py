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
  STRUCTURE     the question asks for a report's own list of priorities/achievements
  REVIEW_WORDS  … of achievements rather than plans ("成绩", "成效", "做法"…)

Report cues (read in report text):
  TARGET_IN_TEXT  a sentence states a goal, not an outcome ("力争", "目标", "预计", "将实现"…)
  PLAN_SECTION    a section heading introduces the plan part ("工作安排", "下一步", "今年"…)
  INSTRUCTION     a sentence addresses an AI/reader with instructions (prompt injection), never an answer

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
STRUCTURE = re.compile(r"(重点工作|主要工作|工作重点|主要任务|重点任务|工作安排|工作部署|工作思路|哪几个方面|哪些方面|几个方面|"
                       r"哪几方面|主要做法|哪些工作|做了哪些|主要成绩|哪些成绩|主要成效|哪些成效|抓哪些|抓什么)")
REVIEW_WORDS = re.compile(r"(成绩|成效|做法|做了|回顾|完成|取得)")

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
