"""Deterministic synthetic township work reports for scale tests.

Usage:
    .venv/bin/python benchmarks/make_corpus.py --n 1000 --seed 7 --out benchmarks/data/corpus-s7

Report ``i`` depends only on (seed, i), so the first 100 reports of a 1,000-report corpus are
the 100-report corpus: one embedding cache (benchmarks/cache/) serves every size.

The structure follows what raw web scrapes of such reports look like (the seeds): portal
furniture above and below the body (老年模式 toggles, 当前位置 breadcrumbs, 索引号 / 发布单位 /
成文日期 lines, 浏览次数, 打印 关闭, copyright and 备案 lines), a title naming the town and
year, "各位代表：", top-level sections 一、二、三、 with （一）（二） subsections, and sentences
full of figures (亿元, 万元, %, 家, 个, 公里, 亩, 户). Sizes stay modest (≈1,500–2,500 chars):
embedding is the slow part of ingest (≈1,500 chars/s on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

NAME_CHARS = ("东西南北新安平和青石桥河湖山林溪江塘港沙坪岭湾庄集店寨阳丰兴宁泰华龙凤云金宝福永长"
              "清白黄马高中柳杨梅竹松桃兰芳仁义礼信德望远盛隆昌顺乐康庆嘉")
PROVINCES = ("浙江省", "江苏省", "安徽省", "广东省", "福建省", "江西省", "湖南省", "湖北省", "山东省", "河南省",
             "四川省", "河北省")
TOWN_SUFFIX = ("镇", "镇", "镇", "乡", "街道")
COUNTY_SUFFIX = ("县", "市", "区")

# (template, kind): {a}/{b}/{c} are filled with figures of the named kind
REVIEW_TOPICS = {
    "经济运行": [
        "全镇实现地区生产总值{yi}亿元，同比增长{pct}%。",
        "完成工业总产值{yi}亿元，其中规上工业产值{yi2}亿元，同比增长{pct}%。",
        "实现服务业增加值{yi2}亿元，同比增长{pct}%；社会消费品零售总额{yi2}亿元。",
        "财政总收入{yi2}亿元，一般公共预算收入{wan}万元，增长{pct}%。",
        "完成固定资产投资{yi2}亿元，其中工业投资{yi3}亿元，增长{pct}%。",
        "年末金融机构存贷款余额{yi}亿元，全年新增贷款{yi3}亿元。",
        "新增规上企业{n}家，新认定高新技术企业{n}家，新增科技型中小企业{n}家。",
    ],
    "项目建设": [
        "全年实施重点项目{n}个，完成投资{yi2}亿元，其中{place}产业园一期建成投产。",
        "引进亿元以上项目{n}个，实际利用外资{wan}万美元。",
        "完成土地征收{mu}亩，盘活低效用地{mu}亩，为项目落地腾出空间。",
        "{place}工业园区基础设施配套完善，新建标准厂房{wm2}万平方米。",
    ],
    "乡村振兴": [
        "实现农林牧渔业增加值{yi3}亿元，粮食播种面积{mu}亩，总产量{ton}吨。",
        "新建高标准农田{mu}亩，新增家庭农场{n}家、农民专业合作社{n}家。",
        "村级集体经济经营性收入超过{wan}万元的村达到{n}个，消除集体经济薄弱村{n}个。",
        "完成农村生活污水治理{n}个村，改造农村公厕{n}座，创建美丽乡村示范村{n}个。",
        "{place}村入选省级历史文化村落，乡村旅游接待游客{wan}万人次。",
    ],
    "城镇建设": [
        "新建和改造道路{km}公里，完成{place}大道提升工程，新增停车位{n}个。",
        "完成老旧小区改造{n}个，惠及居民{hu}户，拆除违章建筑{wm2}万平方米。",
        "新建污水管网{km}公里，镇区生活污水处理率达到{pct2}%。",
        "{place}公园建成开放，新增绿地{wm2}万平方米。",
    ],
    "民生事业": [
        "城镇和农村常住居民人均可支配收入分别达到{yuan}元和{yuan2}元，增长{pct}%和{pct}%。",
        "新增城镇就业{n}人，发放各类救助金{wan}万元，惠及困难群众{hu}户。",
        "{place}中心小学新校区投入使用，新增学位{n}个，新建普惠性幼儿园{n}所。",
        "完成家庭医生签约{hu}人，镇卫生院门诊量{wan}万人次。",
        "城乡居民基本医疗保险参保率达到{pct2}%，基本养老保险参保{hu}人。",
        "十件民生实事全部完成，共投入资金{wan}万元。",
    ],
    "社会治理": [
        "排查化解矛盾纠纷{n}起，调解成功率{pct2}%，信访总量下降{pct}%。",
        "开展安全生产检查{n}次，整改隐患{n}处，全年未发生较大以上安全事故。",
        "完成{place}社区网格化改造，划分网格{n}个，配备专职网格员{n}名。",
        "全镇PM2.5平均浓度{n}微克/立方米，空气质量优良率{pct2}%。",
    ],
}
PLAN_TOPICS = {
    "产业发展": [
        "力争实现地区生产总值增长{pct}%，工业总产值突破{yi}亿元。",
        "全年计划实施重点项目{n}个，完成投资{yi2}亿元以上。",
        "培育规上企业{n}家以上，推动{place}产业园二期建设。",
        "招引亿元以上项目{n}个，力争实际利用外资{wan}万美元。",
    ],
    "乡村振兴": [
        "新建高标准农田{mu}亩，粮食播种面积稳定在{mu}亩以上。",
        "推进{place}村未来乡村建设，村级集体经济经营性收入全部达到{wan}万元以上。",
        "实施农村人居环境整治提升行动，完成{n}个村的污水管网改造。",
    ],
    "城镇品质": [
        "完成{place}路改造{km}公里，新建停车位{n}个。",
        "启动老旧小区改造{n}个，新增公园绿地{wm2}万平方米。",
        "推进镇区雨污分流工程，新建污水管网{km}公里。",
    ],
    "民生保障": [
        "新增城镇就业{n}人，城乡居民收入增长与经济增长同步。",
        "建成{place}幼儿园，新增学位{n}个，启动镇卫生院改扩建工程。",
        "继续办好十件民生实事，计划投入资金{wan}万元。",
    ],
}
PREFACE = [
    "一年来，在{county}委、{county}政府和镇党委的坚强领导下，在镇人大的监督支持下，全镇上下坚持稳中求进工作总基调，"
    "经济社会发展取得新成效。",
    "过去的一年，我们坚持以人民为中心的发展思想，统筹推进稳增长、促改革、调结构、惠民生、防风险各项工作，"
    "圆满完成了镇人大{congress}次会议确定的目标任务。",
]
SELF_BUILD = [
    "坚持依法行政，自觉接受镇人大的法律监督和工作监督，办理人大代表建议{n}件，办结率100%。",
    "深化作风建设，严格落实中央八项规定精神，“三公”经费支出下降{pct}%。",
    "推进政务公开，“最多跑一次”改革事项办理{wan}件，群众满意率{pct2}%。",
]
ORDINALS = "一二三四五六七八九十"


class ReportBuilder:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def name(self, n: int = 2) -> str:
        return "".join(self.rng.choice(NAME_CHARS) for _ in range(n))

    def value(self, kind: str) -> str:
        """A fresh figure of the given kind (every placeholder gets its own draw)."""
        r = self.rng
        makers = {
            "yi": lambda: f"{r.uniform(20, 400):.1f}", "yi2": lambda: f"{r.uniform(5, 120):.2f}",
            "yi3": lambda: f"{r.uniform(0.5, 20):.2f}", "wan": lambda: str(r.randint(50, 9000)),
            "pct": lambda: f"{r.uniform(0.5, 15):.1f}", "pct2": lambda: f"{r.uniform(85, 99.9):.1f}",
            "n": lambda: str(r.randint(2, 180)), "mu": lambda: str(r.randint(200, 12000)),
            "ton": lambda: str(r.randint(2000, 60000)), "km": lambda: f"{r.uniform(1, 40):.1f}",
            "wm2": lambda: f"{r.uniform(0.5, 30):.1f}", "hu": lambda: str(r.randint(100, 9000)),
            "yuan": lambda: str(r.randint(42000, 82000)), "yuan2": lambda: str(r.randint(20000, 42000)),
            "place": lambda: self.name(2), "county": lambda: self.county, "congress": lambda: self.congress,
        }
        return makers[kind]()

    def fill(self, template: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: self.value(m.group(1)), template)

    def sentences(self, pool: list[str], k: int) -> str:
        return "".join(self.fill(t) for t in self.rng.sample(pool, min(k, len(pool))))


def build_report(seed: int, i: int) -> tuple[str, str, dict]:
    """(file name, file text, facts) of synthetic report ``i``."""
    rng = random.Random(f"govqa-corpus-{seed}-{i}")
    # towns repeat over 2–3 consecutive reports (different years), as a real collection would
    town_rng = random.Random(f"govqa-town-{seed}-{i // 3}")
    b = ReportBuilder(town_rng)
    town = b.name(2) + town_rng.choice(TOWN_SUFFIX)
    county = b.name(2) + town_rng.choice(COUNTY_SUFFIX)
    province = town_rng.choice(PROVINCES)
    b.rng = rng
    b.county = county
    b.congress = f"第{rng.choice(ORDINALS[1:])}"
    year = 2018 + (i % 3) * 2 + rng.randint(0, 1)  # the year the report is delivered in
    reviewed = year - 1
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    lines: list[str] = []
    # portal furniture (varied per report, as on different sites)
    style = rng.randint(0, 2)
    if style == 0:
        lines += ["进入老年模式 退出老年模式", f"当前位置:首页 > 政务公开 > 信息公开目录 > 镇(街道)信息公开 > {town} > 计划总结",
                  f"索引号: {county[:1]}{rng.randint(100000, 999999)}-{rng.randint(10, 99)}/{year}-{rng.randint(1000, 99999)} 公开方式: 主动公开",
                  f"成文日期: {year}-{month:02d}-{day:02d}", f"发布单位: {town}", "  • 浏览次数:", ""]
    elif style == 1:
        lines += ["无障碍阅读 | 长者模式 | 繁体版", f"您现在的位置：首页 > {county}人民政府 > 乡镇动态 > {town}",
                  f"发布时间：{year}-{month:02d}-{day:02d} 来源：{town}人民政府 字号：大 中 小", ""]
    else:
        lines += ["举报", "资源描述", ""]
    title = rng.choice([f"{town}{year}年政府工作报告", f"{province}{county}{town}政府工作报告",
                        f"{town}人民政府工作报告（{year}年）"])
    lines += [title, "", f"——{year}年{month}月{day}日在{town}第十"
                         f"{rng.choice(ORDINALS[:8])}届人民代表大会第{rng.choice(ORDINALS[:6])}次会议上", "",
              "各位代表：", f"现在，我代表{town}人民政府，向大会报告政府工作，请予审议，并请列席同志提出意见。", ""]
    lines.append(f"一、{reviewed}年工作回顾")
    lines.append(b.fill(rng.choice(PREFACE)))
    review = rng.sample(list(REVIEW_TOPICS), rng.randint(4, 5))
    for n, topic in enumerate(review):
        head = rng.choice([f"聚焦{topic}，", f"狠抓{topic}，", f"统筹{topic}，"]) + rng.choice(
            ["发展质效稳步提升", "工作取得新突破", "各项指标稳中有进", "群众获得感持续增强"])
        lines.append(f"（{ORDINALS[n]}）{head}。" + b.sentences(REVIEW_TOPICS[topic], rng.randint(3, 4)))
    lines.append(f"在肯定成绩的同时，我们也清醒地看到，{rng.choice(['经济下行压力加大', '产业结构不够优化', '公共服务仍有短板'])}，"
                 f"{rng.choice(['要素制约依然突出', '镇村环境有待提升', '干部作风仍需改进'])}。对此，我们将采取有力措施认真加以解决。")
    lines.append("")
    lines.append(f"二、{year}年工作安排")
    lines.append(f"{year}年是{rng.choice(['全面实施“十四五”规划的关键之年', '承上启下的重要一年', '高质量发展的攻坚之年'])}。"
                 f"政府工作的总体要求是：坚持稳中求进，主要预期目标是：" + b.fill("地区生产总值增长{pct}%，财政总收入增长{pct}%。"))
    plan = rng.sample(list(PLAN_TOPICS), rng.randint(3, 4))
    for n, topic in enumerate(plan):
        lines.append(f"（{ORDINALS[n]}）着力推进{topic}。" + b.sentences(PLAN_TOPICS[topic], rng.randint(2, 3)))
    lines.append("")
    lines.append("三、加强政府自身建设")
    lines.append(b.sentences(SELF_BUILD, rng.randint(2, 3)))
    lines.append(f"各位代表，{year}年任务艰巨、使命光荣。让我们在镇党委的坚强领导下，团结一心，为建设更加美好的{town}而努力奋斗！")
    lines.append("")
    # footer furniture
    lines += rng.choice([
        ["打印 关闭", f"版权所有：{county}人民政府 主办单位：{county}人民政府办公室", f"备案号：{province[:1]}ICP备{rng.randint(10000000, 99999999)}号"],
        [f"下一篇：{town}关于开展安全生产大检查的通知", "【打印本页】 【关闭窗口】"],
        ["展开阅读全文", "温馨提示：本文档由用户上传，仅供学习交流"],
    ])
    text = "\n".join(lines) + "\n"
    name = f"synth_{seed}_{i:05d}.txt"
    facts = {"file": name, "town": town, "county": county, "province": province, "year": year, "chars": len(text)}
    return name, text, facts


def write_corpus(out: Path, n: int, seed: int) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    facts = []
    for i in range(n):
        name, text, f = build_report(seed, i)
        path = out / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        facts.append(f)
    with open(out / "facts.jsonl", "w", encoding="utf-8") as fh:
        for f in facts:
            fh.write(json.dumps(f, ensure_ascii=False) + "\n")
    return facts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成确定性的合成乡镇政府工作报告（用于规模测试）")
    ap.add_argument("--n", type=int, default=100, help="报告篇数（1 / 100 / 1000 / 10000）")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data" / "corpus-s7")
    args = ap.parse_args(argv)
    facts = write_corpus(args.out, args.n, args.seed)
    chars = [f["chars"] for f in facts]
    towns = {f["town"] for f in facts}
    print(f"{len(facts)} 篇报告 -> {args.out}  （{len(towns)} 个乡镇，{sum(chars):,} 字，"
          f"每篇 {min(chars)}–{max(chars)} 字，平均 {sum(chars) / len(chars):.0f} 字）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
