"""What the indicator grid's levels mean (RULEBOOK 1–8): canonical keys for 一级/二级 and the
kind of quantity each 二级 expects. Shared by every check that reasons about categories."""
from __future__ import annotations

import re

# 二级 spellings seen in submissions → canonical key. Order matters: longer names first.
LEVEL2_KEYS = (
    ("服务对象满意度", "satisfaction"),
    ("满意度", "satisfaction"),
    ("经济效益", "economic"),
    ("社会效益", "social"),
    ("生态效益", "ecological"),
    ("可持续影响", "sustainable"),
    ("可持续", "sustainable"),
    ("数量", "quantity"),
    ("质量", "quality"),
    ("时效", "timeliness"),
    ("成本", "cost"),
)
LEVEL2_NAMES = {
    "quantity": "数量指标", "quality": "质量指标", "timeliness": "时效指标", "cost": "成本指标",
    "economic": "经济效益指标", "social": "社会效益指标", "ecological": "生态效益指标",
    "sustainable": "可持续影响指标", "satisfaction": "服务对象满意度指标",
}
OUTPUT_KEYS = ("quantity", "quality", "timeliness", "cost")
BENEFIT_KEYS = ("economic", "social", "ecological", "sustainable")

# What each 二级 expects (RULEBOOK 3–8), as `values.parse_value` kinds.
EXPECTED_KINDS = {
    "quantity": {"count"},
    "quality": {"percent", "text"},  # a rate, or a standard met ("符合GB…")
    "timeliness": {"date", "duration", "percent"},  # a deadline/period or a timeliness rate
    "cost": {"money"},  # (a cost-control rate is tolerated but weak)
    "economic": {"percent", "count", "money", "duration", "text"},
    "social": {"percent", "count", "duration", "text"},
    "ecological": {"percent", "count", "duration", "text"},
    "sustainable": {"percent", "count", "duration", "text"},
    "satisfaction": {"percent"},
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def level2_key(level2: str) -> str | None:
    text = _squash(level2)
    for name, key in LEVEL2_KEYS:
        if name in text:
            return key
    return None


def level1_key(level1: str) -> str | None:
    text = _squash(level1)
    for name, key in (("产出", "output"), ("效益", "benefit"), ("满意度", "satisfaction"), ("成本", "cost")):
        if name in text:
            return key
    return None
