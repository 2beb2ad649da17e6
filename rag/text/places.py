"""Chinese administrative divisions: a gazetteer down to township level.

The division data is jionlp's (``china_location_loader``: province > city > county > township >
village, with official short names), which is maintained with the yearly changes of the
national division codes. We keep only what place resolution needs: every province, city,
county and township with its level, its parent chain and the short name people use ("深圳",
"盐田", "内蒙古"). Villages are left out.

What this module answers (pure text, no project imports):
* ``lookup("奋斗镇")`` -> the divisions of that name (several when the name recurs: 杜桥镇 is a
  town in Zhejiang and in Hebei), each with level and parents;
* ``resolve("东莞麻涌镇")`` -> 广东省 > 东莞市 > 麻涌镇: a name read with the places written
  before it, which pick one of several namesakes;
* ``level_of_name("大鹏新区")`` -> the level a name's suffix implies, for issuers that are not
  divisions (functional areas, development zones, management committees).
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
from dataclasses import dataclass

LEVELS = ("national", "province", "city", "county", "township")

# Suffixes, longest first, and the level of an issuer whose name ends with them. 区/县/旗/新区/
# 开发区/管委会 are county-level issuers; 镇/乡/街道/苏木 township; 市 is a city unless the gazetteer
# knows it as a county-level city or a municipality directly under the central government.
_SUFFIX_LEVEL = (
    ("特别行政区", "province"), ("自治区", "province"), ("省", "province"),
    ("自治州", "city"), ("地区", "city"), ("盟", "city"),
    ("管理委员会", "county"), ("管委会", "county"), ("开发区", "county"), ("新区", "county"),
    ("合作区", "county"), ("自治县", "county"), ("自治旗", "county"), ("县", "county"), ("旗", "county"),
    ("区", "county"), ("市", "city"),
    ("民族乡", "township"), ("街道办事处", "township"), ("街道", "township"), ("镇", "township"),
    ("乡", "township"), ("苏木", "township"),
)
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_FILLER = ("市直辖行政区划", "县直辖行政区划", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True)
class Place:
    name: str  # full name: 南山区
    level: str  # province | city | county | township
    parents: tuple[str, ...]  # from the top: ("广东省", "深圳市")
    alias: str  # the short name people use: 南山

    @property
    def full(self) -> str:
        return "".join(self.parents) + self.name


def mentions(names, text: str) -> bool:
    """The text names one of the places, in full or by its short form (南山区 or 南山)."""
    return any(f in text for name in names for f in (name, strip_suffix(name)) if len(f) >= 2)


def strip_suffix(name: str) -> str:
    """The short form of a division name: 深圳市 -> 深圳, 麻涌镇 -> 麻涌, 内蒙古自治区 -> 内蒙古.

    Names that would shrink below two characters keep their suffix (东区 stays 东区)."""
    for suffix, _ in _SUFFIX_LEVEL:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            # 宁夏回族自治区 -> 宁夏: a minority name between the place and 自治区/自治州/自治县 goes too
            # and a 民族乡/民族镇 is called by its place name too: 桥头苗族壮族乡 -> 桥头
            if suffix.startswith("自治") or suffix in ("乡", "镇", "民族乡"):
                stem = minority_free(stem)
            return stem if len(stem) >= 2 else name
    return name


def minority_free(stem: str) -> str:
    """A division's stem without the minority names written after the place name ("河口瑶族" ->
    "河口", "桥头苗族壮族" -> "桥头"); unchanged when fewer than two characters would be left."""
    m = re.match(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族|维吾尔)+$", stem)
    return m.group(1) if m else stem


def level_of_name(name: str) -> str | None:
    """The issuer level a name's suffix implies (None when the name has no division suffix)."""
    if name in ("国务院", "全国", "中央", "中国", "国家"):
        return "national"
    if name in _MUNICIPALITIES:
        return "province"
    for suffix, level in _SUFFIX_LEVEL:
        if name.endswith(suffix) and len(name) > len(suffix):
            return level
    return None


class Gazetteer:
    def __init__(self, places: list[Place]):
        self.places = places
        self.by_name: dict[str, list[Place]] = {}
        self.by_alias: dict[str, list[Place]] = {}
        for p in places:
            self.by_name.setdefault(p.name, []).append(p)
            if p.alias and p.alias != p.name:
                self.by_alias.setdefault(p.alias, []).append(p)

    def lookup(self, name: str) -> list[Place]:
        """Divisions with this full name, or with this short name when none has the full name."""
        return list(self.by_name.get(name, ())) or list(self.by_alias.get(name, ()))

    def is_division(self, name: str) -> bool:
        return name in self.by_name or name in self.by_alias

    def resolve(self, text: str) -> Place | None:
        """The division ``text`` names, read left to right: "东莞麻涌镇", "广东省深圳市南山区",
        "临海杜桥镇". Earlier names narrow later ones; a name that is not a division ends the read."""
        chain: list[Place] = []
        pos = 0
        while pos < len(text):
            best: Place | None = None
            best_len = 0
            for size in range(min(12, len(text) - pos), 1, -1):
                cands = self.lookup(text[pos: pos + size])
                if chain:
                    cands = [c for c in cands if chain[-1].name in c.parents] or (
                        [] if any(c.level != chain[-1].level for c in cands) else [])
                if cands:
                    best, best_len = pick(cands, context=""), size
                    break
            if best is None:
                break
            chain.append(best)
            pos += best_len
        return chain[-1] if chain else None

    def parents_in(self, place: Place, text: str) -> int:
        """How many of the place's parents (full or short name) the text mentions."""
        hits = 0
        for parent in place.parents:
            alias = strip_suffix(parent)
            if parent in text or (len(alias) >= 2 and alias in text):
                hits += 1
        return hits


def mentions_parent(place: Place, context: str) -> bool:
    """The context names one of the place's parents (in full or by its short name)."""
    return any(par in context or strip_suffix(par) in context for par in place.parents)


def pick(candidates: list[Place], context: str) -> Place:
    """One of several namesakes: the one whose parents the context mentions most; else the
    higher-level one (a province before a county of the same short name)."""
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    scored = []
    for c in candidates:
        hits = sum(1 for par in c.parents if par in context or strip_suffix(par) in context) if context else 0
        scored.append((-hits, order.get(c.level, 9), c.full))
    best = min(range(len(candidates)), key=lambda i: scored[i])
    return candidates[best]


def _divisions_from_file() -> list[Place] | None:
    """The divisions read straight from jionlp's data file (china_location.txt: one division a
    line, the depth in leading tabs, villages at depth 4), skipping villages: ≈10x faster than its
    loader, which builds the village level too. None when the file is not in the expected shape."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("jionlp")
    if not spec or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "dictionary" / "china_location.txt"
    if not path.is_file():
        return None
    places: list[Place] = []
    chain: list[str] = []  # names at depths 0..3 as read
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("\t\t\t\t"):
                continue  # a village
            depth = len(line) - len(line.lstrip("\t"))
            if not line.strip():
                continue
            parts = line.strip().split("\t")
            name = parts[0]
            alias = parts[2].split("/")[0] if len(parts) >= 3 else ""
            alias = alias if len(alias) >= 2 else strip_suffix(name)
            chain = chain[:depth] + [name]
            if len(chain) != depth + 1:
                return None  # a gap in the tree: not the format this reader knows
            parents = tuple(p for p in chain[:-1] if p not in _FILLER)
            if depth == 1 and name == chain[0]:
                continue  # a municipality's own city level
            if depth >= 1 and parents and parents[0] in _MUNICIPALITIES:
                parents = tuple(p for i, p in enumerate(parents) if not (i == 1 and p == parents[0]))
            if name in _FILLER:
                continue
            level = ("province", "city", "county", "township")[depth]
            places.append(Place(name, level, parents, alias))
    return places if len(places) > 1000 else None


def _load_divisions() -> list[Place]:
    fast = _divisions_from_file()
    if fast is not None:
        return fast
    # jionlp prints a banner on import: keep it off stdout (the CLI prints JSON there)
    with contextlib.redirect_stdout(io.StringIO()):
        from jionlp.dictionary.dictionary_loader import china_location_loader

        data = china_location_loader(detail=True)
    places: list[Place] = []

    def alias_of(node: dict, name: str) -> str:
        alias = node.get("_alias") if isinstance(node, dict) else None
        if isinstance(alias, (list, tuple)):  # a few divisions carry several short names
            alias = next((a for a in alias if isinstance(a, str) and len(a) >= 2), None)
        return alias if isinstance(alias, str) and len(alias) >= 2 else strip_suffix(name)

    for prov, pnode in data.items():
        if prov.startswith("_"):
            continue
        places.append(Place(prov, "province", (), alias_of(pnode, prov)))
        for city, cnode in pnode.items():
            if city.startswith("_"):
                continue
            municipality = city == prov
            city_parents = (prov,)
            if not municipality and city not in _FILLER:
                places.append(Place(city, "city", (prov,), alias_of(cnode, city)))
                city_parents = (prov, city)
            for county, knode in (cnode or {}).items():
                if county.startswith("_"):
                    continue
                county_parents = city_parents
                if county not in _FILLER:
                    places.append(Place(county, "county", city_parents, alias_of(knode, county)))
                    county_parents = city_parents + (county,)
                for town in (knode or {}):
                    if town.startswith("_"):
                        continue
                    places.append(Place(town, "township", county_parents, strip_suffix(town)))
    return places


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built once, ≈1 s)."""
    return Gazetteer(_load_divisions())
