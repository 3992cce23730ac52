"""GB/T 2260 divisions for the five jurisdictions whose documents skillreg carries.

Chongqing is a province-level municipality: its districts and counties hang directly under 500000
(the GB/T 2260 placeholder codes 500100 市辖区 / 500200 县 are not administrative units).
"""

REGIONS: list[tuple[str, str, str, str | None]] = [
    # code, name, level, parent
    ("500000", "重庆市", "province", None),
    ("500101", "万州区", "county", "500000"),
    ("500103", "渝中区", "county", "500000"),
    ("500106", "沙坪坝区", "county", "500000"),
    ("500112", "渝北区", "county", "500000"),
    ("500238", "巫溪县", "county", "500000"),
    ("340000", "安徽省", "province", None),
    ("340100", "合肥市", "city", "340000"),
    ("340102", "瑶海区", "county", "340100"),
    ("340400", "淮南市", "city", "340000"),
    ("340402", "大通区", "county", "340400"),
    ("340403", "田家庵区", "county", "340400"),
    ("340404", "谢家集区", "county", "340400"),
    ("340405", "八公山区", "county", "340400"),
    ("340406", "潘集区", "county", "340400"),
    ("340421", "凤台县", "county", "340400"),
    ("340422", "寿县", "county", "340400"),
    ("520000", "贵州省", "province", None),
    ("520100", "贵阳市", "city", "520000"),
    ("520200", "六盘水市", "city", "520000"),
    ("520300", "遵义市", "city", "520000"),
    ("520400", "安顺市", "city", "520000"),
    ("520500", "毕节市", "city", "520000"),
    ("520600", "铜仁市", "city", "520000"),
    ("522300", "黔西南布依族苗族自治州", "city", "520000"),
    ("522600", "黔东南苗族侗族自治州", "city", "520000"),
    ("522700", "黔南布依族苗族自治州", "city", "520000"),
]
