"""The finding categories: a fixed public contract (../shared/TAXONOMY.md). Never rename one,
never reuse a retired one."""
from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "GOAL_DUP": "绩效目标重复",
    "GOAL_ECHO": "绩效目标照抄项目名称或资金用途",
    "GOAL_PLACEHOLDER": "绩效目标为模板占位",
    "DESC_ECHO": "指标描述照抄指标名称",
    "BASIS_ECHO": "指标值确定依据未说明来源",
    "TEXT_REUSE": "照搬其他项目或部门的文字",
    "LEVEL_MISMATCH": "指标与所属类别不符",
    "VALUE_KIND": "指标值类型与类别不符",
    "VALUE_DIRECTION": "指标值方向错误",
    "VALUE_VAGUE": "指标值无法考核",
    "VALUE_IMPLAUSIBLE": "指标值不合常理",
    "COST_MISMATCH": "成本与预算不符",
    "SCHEDULE_ERROR": "资金支出计划有误",
    "YEAR_MISMATCH": "年份与预算年度不符",
    "MISSING_CATEGORY": "缺少必要的指标类别",
    "DUP_WORD": "重复字词或笔误",
    "CONTRADICTION": "前后表述矛盾",
    "UNIT_NONSTANDARD": "计量单位不规范",
}
SEVERITIES = ("high", "medium", "low")
SEVERITY_NAMES = {"high": "高", "medium": "中", "low": "低"}
FIELDS = ("goal", "indicator", "value", "description", "basis", "schedule", "budget", "narrative")
