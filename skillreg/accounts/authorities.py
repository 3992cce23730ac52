"""The authorities seeded for the five jurisdictions: one HRSS authority per region, plus the
Chongqing vocational skill testing guidance centre acting for the city bureau (CQ-3)."""

PROVINCE_NAMES = {
    "500000": "重庆市人力资源和社会保障局",
    "340000": "安徽省人力资源和社会保障厅",
    "520000": "贵州省人力资源和社会保障厅",
}
EXTRA = [("center-500000", "重庆市职业技能鉴定指导中心", "center", "500000")]


def authority_rows(regions: list[tuple[str, str, str, str | None]]) -> list[tuple[str, str, str, str]]:
    rows = []
    for code, name, _level, _parent in regions:
        title = PROVINCE_NAMES.get(code) or f"{name}人力资源和社会保障局"
        rows.append((f"hrss-{code}", title, "hrss", code))
    return rows + EXTRA
