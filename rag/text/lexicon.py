"""Everyday words -> the official terms government work reports use (query expansion).

General vocabulary of Chinese government reporting, not of any one report: users say "GDP" or
"老百姓收入", reports say "地区生产总值" and "居民人均可支配收入".
"""

from __future__ import annotations

import functools

SYNONYMS: dict[str, tuple[str, ...]] = {
    "gdp": ("地区生产总值", "生产总值"),
    "经济总量": ("地区生产总值", "生产总值"),
    "生产总值": ("地区生产总值",),
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
    "出口": ("外贸出口", "自营出口", "进出口"),
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
    "老人": ("养老", "敬老院", "老年"),
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
}


@functools.lru_cache(maxsize=1)
def all_synonyms() -> dict[str, tuple[str, ...]]:
    """SYNONYMS plus the indicator vocabulary's everyday words ("物价" -> 居民消费价格,
    "财政收入" -> 一般公共预算收入): one map of everyday word -> official terms."""
    from rag.text.indicators_vocab import load_vocab

    merged = dict(SYNONYMS)
    for name, info in load_vocab()["indicators"].items():
        for syn in info.get("synonyms", ()):
            key = syn.lower()
            if len(key) >= 2 and key != name.lower():
                merged[key] = tuple(dict.fromkeys(merged.get(key, ()) + (name,)))
    return merged


def synonyms_in(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """(everyday word, official terms) for each everyday word in ``text``; the possessive 的 is
    optional in a noun phrase ("研发投入占GDP的比重" holds "研发投入占GDP比重")."""
    low = text.lower()
    plain = low.replace("的", "")
    return [(key, terms) for key, terms in all_synonyms().items() if key in low or key.replace("的", "") in plain]


def expand_terms(text: str) -> list[str]:
    """Official terms for the everyday words found in ``text`` (not repeating words already there)."""
    low = text.lower()
    extra: list[str] = []
    for _, terms in synonyms_in(text):
        for term in terms:
            if term.lower() not in low and term not in extra:
                extra.append(term)
    return extra
