"""Everyday words -> the official terms government work reports use (query expansion).

General vocabulary of Chinese government reporting, not of any one report: users say "GDP" or
"老百姓收入", reports say "地区生产总值" and "居民人均可支配收入".
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

SYNONYMS: dict[str, tuple[str, ...]] = {
    "gdp": ("地区生产总值", "生产总值"),
    "经济总量": ("地区生产总值", "生产总值"),
    "生产总值": ("地区生产总值",),
    "规模以上": ("规上",),
    "孩子": ("子女", "儿童"),
    "白事": ("丧事", "殡葬"),
    "住人": ("常住人口",),  # "住着多少人": how many live there
    "滑坡": ("地质灾害",),
    "塌方": ("地质灾害",),
    "老百姓收入": ("人均可支配收入", "居民收入"),
    "收入水平": ("人均可支配收入",),
    "居民收入": ("人均可支配收入",),
    "人均收入": ("人均可支配收入",),
    "农民收入": ("农村常住居民人均可支配收入", "农村居民"),
    "招商": ("招商引资", "到位资金", "引进项目"),
    "引资": ("招商引资", "到位资金"),
    "财政": ("财政总收入", "一般公共预算收入", "财政收入"),
    "税收": ("税收收入", "财政总收入"),
    "工业": ("工业产值", "工业总产值", "规上工业"),
    "工业产值": ("工业总产值", "规上产值", "规上工业产值"),
    "投资": ("固定资产投资", "有效投资"),
    "外贸": ("进出口", "外贸出口", "自营出口"),
    "出口": ("外贸出口", "自营出口"),
    "违建": ("违章建筑", "违法建筑", "拆违", "无违建"),
    "拆违": ("违章建筑", "违法建筑", "拆除"),
    "企业上市": ("上市", "股改", "股份制改造", "挂牌"),
    "高企": ("高新技术企业",),
    "个体户转企业": ("个转企",),
    "个体户": ("个转企", "个体工商户"),
    "小企业升规": ("小升规",),
    "升规": ("小升规", "规上企业"),
    "高新企业": ("高新技术企业",),
    "科技企业": ("科技型企业", "高新技术企业"),
    "农田": ("高标准农田", "耕地"),
    "学校": ("中学", "小学", "幼儿园", "教育"),
    "上学": ("教育", "学校", "中学", "小学"),
    "看病": ("卫生院", "医院", "医疗"),
    "医院": ("卫生院", "医院", "医疗"),
    "养老": ("敬老院", "养老服务", "颐养", "居家养老"),
    "老人": ("养老", "敬老院", "老年", "60岁以上", "65岁以上"),
    "修路": ("公路", "道路", "大道", "路网"),
    "交通": ("公路", "道路", "铁路", "国道", "大桥"),
    "垃圾": ("垃圾分类", "环境卫生"),
    "污水": ("污水零直排", "污水管网", "治水"),
    "治水": ("五水共治", "河长制", "水质"),
    "空气": ("空气质量", "PM2.5", "大气"),
    "环境": ("环境整治", "生态环境", "人居环境"),
    "就业": ("就业", "岗位", "创业"),
    "疫情": ("疫情防控", "新冠"),
    "安全": ("安全生产", "消防", "隐患"),
    "治安": ("平安", "综治", "矛盾纠纷", "扫黑除恶"),
    "文化": ("文化礼堂", "文体", "文化"),
    "旅游": ("文旅", "旅游", "景区"),
    "农村": ("乡村振兴", "美丽乡村", "村"),
    "目标": ("预期目标", "力争", "主要目标"),
    "计划": ("工作安排", "力争", "计划"),
    "排名": ("排名", "位", "强镇"),
    "停车": ("停车场", "停车位"),
    "公园": ("口袋公园", "公园"),
    "房子": ("住房", "安置", "旧村改造", "拆迁"),
    "拆迁": ("征地", "拆迁", "征收"),
    "电商": ("电子商务", "网络零售"),
    "消费": ("社会消费品零售总额", "消费"),
    "零售": ("社会消费品零售总额",),
    "监控": ("视频监控", "雪亮"),
    "村集体": ("村级集体经济", "集体经济"),
    "集体收入": ("村级集体经济", "集体经济收入"),
    "党建": ("党建", "基层党组织"),
    "政务": ("政务服务", "政务公开", "便民服务"),
    "热线": ("12345", "热线"),
    "12345": ("服务热线", "热线", "接诉即办"),
    "满意度": ("满意度", "满意率"),
    # first in a ranking, said in everyday words
    "当老大": ("首位", "第一"),
    "排老大": ("首位", "第一"),
    # everyday names of the figures every level reports (what a resident says -> the report's term)
    "买东西": ("社会消费品零售总额",),
    "商场": ("社会消费品零售总额",),
    "超市": ("社会消费品零售总额",),
    "网购": ("网络零售", "电子商务"),
    "挖煤": ("原煤", "煤炭"),
    "产煤": ("原煤", "煤炭"),
    "寿命": ("人均预期寿命", "预期寿命"),
    "找不到工作": ("失业率", "失业"),
    "没工作": ("失业率", "失业"),
    "找到工作": ("新增就业", "就业"),
    "减税": ("减税降费", "减负", "退税"),
    "降费": ("减税降费", "减负"),
    "减负": ("减税降费", "降低企业成本"),
    "少交": ("减税降费", "减轻", "减负"),
    "多招": ("扩招",),
    "电费": ("用电成本", "电价"),
    "教育上": ("教育支出", "教育投入"),
    "教育投入": ("教育支出",),
    "存款加贷款": ("存贷款",),
    "老手艺": ("技艺", "非遗", "非物质文化遗产"),
    "乱停车": ("违停", "违章停车"),
    "打工": ("务工", "外来务工", "农民工", "职工"),
    "打工人": ("务工人员", "外来务工人员", "农民工"),
    "外地": ("外来", "随迁"),
    "种树": ("造林", "植树", "绿化"),
    "植树": ("造林", "植树造林"),
    "雾霾": ("PM2.5", "细颗粒物"),
    "pm2.5": ("细颗粒物",),
    "细颗粒物": ("PM2.5",),
    "地铁": ("轨道交通", "城市轨道"),
    "高铁": ("高速铁路", "铁路"),
    "游客": ("接待游客", "旅游人次", "游客接待"),
    "穷人": ("贫困人口", "低保", "困难群众"),
    "扶贫": ("脱贫", "贫困人口", "脱贫攻坚"),
    "老小区": ("老旧小区",),
    "旧小区": ("老旧小区",),
    "棚户": ("棚户区改造", "棚改"),
    "空气好": ("空气质量优良", "优良天数", "优良率"),
    "好空气": ("空气质量优良", "优良天数", "优良率"),
    "蓝天": ("蓝天", "优良天数", "空气质量优良"),
    "日子": ("天数",),
    "吃得放心": ("食品安全",),
    "吃得安全": ("食品安全",),
    "带娃": ("托育", "育儿", "婴幼儿照护"),
    "养孩子": ("育儿", "生育", "托育"),
    # money one may spend as one likes is the disposable income (可支配收入)
    "自由花": ("可支配收入",),
    "随便花": ("可支配收入",),
    "平均一人": ("人均",),
    "一人平均": ("人均",),
    "好天": ("优良天数",),
    "卖东西": ("社会消费品零售总额", "销售"),
    "卖到国外": ("出口",),
    "网上卖": ("网络零售", "电子商务"),
    "快递": ("快递业务量",),
    "电动车": ("新能源汽车",),
    "新能源车": ("新能源汽车",),
    "大企业": ("规上企业", "规模以上"),
    "工厂": ("工业企业", "规上工业"),
    "发电": ("发电量", "装机"),
    "用电": ("用电量", "全社会用电量"),
    "高速": ("高速公路",),
    "科研经费": ("研发投入", "研发经费"),
    "出生": ("出生人口",),
    "医生": ("执业医师", "医护人员"),
    "贫困户": ("贫困人口", "脱贫"),
    "政府欠债": ("政府债务",),
    "欠债": ("债务",),
    "挣钱": ("收入", "工资"),
    "工资": ("工资", "收入"),
    "城里人": ("城镇居民", "城镇常住居民"),
    "城里": ("城镇", "城市"),
    "农村人": ("农村居民", "农村常住居民"),
    "乡下": ("农村", "乡村"),
    "到手": ("可支配收入",),
    "能活到": ("预期寿命",),
    "活到": ("预期寿命",),
    "花出去": ("支出",),
    "花了": ("支出", "投入"),
    "花钱": ("支出", "投入"),
    "旅游的人": ("游客", "接待游客", "旅游人次"),
    "来旅游": ("游客", "接待游客", "旅游人次"),
    "出去打工": ("外出务工", "转移就业", "劳动力转移"),
    "进城打工": ("外出务工", "转移就业", "农民工"),
    "养老金": ("基本养老金", "养老保险"),
    "盖房子": ("住房", "保障性住房"),
    "上大学": ("高等教育", "高校", "本科"),
    "开公司": ("市场主体", "新登记", "企业"),
    "新开": ("新登记", "新设立", "新增"),
    "放贷款": ("贷款",),
    "贷款": ("贷款余额", "新增贷款"),
    "写字楼": ("楼宇", "商务楼宇"),
    "交税": ("税收", "纳税"),
    # everyday words for the terms of statistics releases and company results (what a reader says ->
    # what the release writes)
    "赚": ("净利润", "利润", "盈利"),
    "亏": ("亏损",),
    "营收": ("营业收入",),
    "卖出去": ("销量", "销售"),
    "卖了": ("销量", "销售", "销售额"),
    "卖出": ("销量", "销售", "销售额"),
    "买回来": ("进口",),
    "从国外买": ("进口",),
    "新生": ("出生人口", "出生"),
    "宝宝": ("出生人口", "出生"),
    "去世": ("死亡",),
    "出游": ("出游", "旅游"),
    "游玩": ("出游", "旅游"),
    "出门": ("出游", "出行"),
    "过年": ("春节",),
    "放假": ("假期",),
    "片子": ("影片", "电影"),
    "火车": ("铁路",),
    "乘客": ("旅客",),
    "坐飞机": ("民航", "航空", "旅客吞吐量"),
    "乘飞机": ("民航", "航空", "旅客吞吐量"),
    "上限": ("最高额度", "最高限额", "最高"),
    "桂冠": ("冠军", "金牌"),
    "考试点": ("考点",),
    "考研": ("硕士研究生招生考试", "研究生招生考试", "研究生考试"),
    "夺冠": ("冠军",),
    "封顶": ("最高额度", "最高限额", "最高"),
    "考生": ("考生", "报名人数"),
    # 平均 said of a person, a year or a day is what the reports write 人均, 年均, 日均
    "平均每人": ("人均",),
    "人平均": ("人均",),
    "每人平均": ("人均",),
    "平均每个人": ("人均",),
    "平均寿命": ("人均预期寿命", "预期寿命"),
    "平均收入": ("人均可支配收入", "人均"),
    "平均每年": ("年均",),
    "每年平均": ("年均",),
    "平均每天": ("日均",),
    "每天平均": ("日均",),
    # both halves of 城乡 named in everyday words
    "城里人和农村人": ("城乡居民",),
    "城里和农村": ("城乡",),
    "城里人和乡下人": ("城乡居民",),
}


# the everyday words mined from the reports (re-checked by eval/lexicon_check.py)
_EVERYDAY_PATH = Path(__file__).parent / "everyday_terms.json"


@functools.lru_cache(maxsize=1)
def all_synonyms() -> dict[str, tuple[str, ...]]:
    """SYNONYMS, the everyday words mined from the reports (everyday_terms.json) and the indicator
    vocabulary's everyday words ("物价" -> 居民消费价格, "财政收入" -> 一般公共预算收入): one map of
    everyday word -> official terms."""
    from rag.text.indicators_vocab import load_vocab

    merged = dict(SYNONYMS)
    for key, terms in json.loads(_EVERYDAY_PATH.read_text(encoding="utf-8"))["terms"].items():
        merged[key.lower()] = tuple(dict.fromkeys(merged.get(key.lower(), ()) + tuple(terms)))
    for name, info in load_vocab()["indicators"].items():
        for syn in info.get("synonyms", ()):
            key = syn.lower()
            if len(key) >= 2 and key != name.lower():
                merged[key] = tuple(dict.fromkeys(merged.get(key, ()) + (name,)))
    return merged


# everyday words whose official term depends on the words around them (pattern, official terms):
# - the economy said to grow or to be so big is the 地区生产总值 the reports measure it by
#   ("经济涨了多少", "经济盘子多大", "经济增速目标"), unless it is one sector's economy (数字经济,
#   民营经济: a word joined before it)
# - a verb with the spoken result complement 掉 is the written verb with 除 ("拆掉" -> 拆除,
#   "免掉" -> 免除, "清掉" -> 清除); a term may name the pattern's groups ("{0}除")
# - money taken out or paid out for something ("拿出多少钱", "掏了多少钱", "砸了多少钱") is what the reports
#   write as arranged (安排), invested (投入) or funds (资金)
CONTEXT_SYNONYMS: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = (
    (re.compile(r"(?:^|(?<=[^\u4e00-\u9fff]|[的年地省市区县镇国各全们我看里]))经济"
                r"(?:总?(?:盘子|体量|规模|总量|块头)|(?=[^，,。？?；;]{0,4}?(?:涨|增长|增速|增幅|跑了)))"), ("地区生产总值", "生产总值")),
    (re.compile(r"([\u4e00-\u9fff])掉"), ("{0}除",)),
    (re.compile(r"(?:拿出|掏出|掏了|掏|砸了|砸下|砸)(?=[^，,。？?；;]{0,4}钱)"), ("安排", "投入", "资金")),
)


def _context_synonyms(low: str) -> list[tuple[str, tuple[str, ...]]]:
    """(the words matched, official terms) for each :data:`CONTEXT_SYNONYMS` pattern found; a
    term may name the pattern's groups ("{0}除": the verb before 掉)."""
    return [(m.group(), tuple(t.format(*m.groups()) for t in terms))
            for pattern, terms in CONTEXT_SYNONYMS for m in pattern.finditer(low)]


def synonyms_in(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(everyday word, official terms) for each everyday word in ``text``; the possessive 的 is
    optional in a noun phrase ("研发投入占GDP的比重" holds "研发投入占GDP比重"); words whose
    official term depends on the words around them (:data:`CONTEXT_SYNONYMS`) as found."""
    low = text.lower()
    plain = low.replace("的", "")
    return ([(key, terms) for key, terms in all_synonyms().items()
             if key in low or key.replace("的", "") in plain or _found_apart(key, low)]
            + _context_synonyms(low))


_MONEY = "钱元"  # the amount asked ("花了多少钱"), never a verb's object

# what a spoken question puts between a verb and its object ("挖了多少煤", "卖出的猪", "住着多少人")
_BETWEEN = r"(?:了|过|着|出|到|起|掉|的|一共|总共|共|多少|几)"


@functools.lru_cache(maxsize=None)
def _spread(key: str) -> re.Pattern | None:
    """A verb and its object of two characters ("挖煤", "卖猪") written apart, with nothing but
    aspect words, a result, the possessive or the question word between them; None for any other
    key, and for money ("花了多少钱": the amount asked, not an object — the verb alone says it)."""
    if not re.fullmatch(r"[\u4e00-\u9fff]{2}", key) or key[1] in _MONEY:
        return None
    return re.compile(re.escape(key[0]) + f"(?:{_BETWEEN}){{1,3}}" + re.escape(key[1]))


def _found_apart(key: str, low: str) -> bool:
    """The key's verb and object found apart (:func:`_spread`), the object a word of its own: not
    the first character of a word the dictionary holds ("负担" in "减了多少负担")."""
    if len(key) != 2 or key[0] not in low or key[1] not in low:  # most keys: no regex search at all
        return False
    pattern = _spread(key)
    if pattern is None:
        return False
    from rag.text.tokens import in_dictionary

    return any(not in_dictionary(low[m.end() - 1: m.end() + 1]) for m in pattern.finditer(low))


def expand_terms(text: str) -> list[str]:
    """Official terms for the everyday words found in ``text`` (not repeating words already there)."""
    low = text.lower()
    extra: list[str] = []
    for _, terms in synonyms_in(text):
        for term in terms:
            if term.lower() not in low and term not in extra:
                extra.append(term)
    return extra
