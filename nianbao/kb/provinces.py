"""The province of a body, worked out without any network: from a name or from a report's own words.

A name carries its province when it says so (江苏省人民政府办公厅, 江苏省宿迁市沭阳县…) or when it
starts with a prefecture-level city (宿迁市沭阳县人民政府, 淮安市教育局): the table below lists the
prefecture-level cities (地级市) of each province, and nothing else. A county's name alone (沭阳县…)
does not carry it: then a report of the place is read for the province and the cities it names most.
When nothing decides, the province is unknown (None), never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

# The full names a text uses for each provincial-level unit, keyed by its short name.
PROVINCES: dict[str, tuple[str, ...]] = {
    "北京": ("北京市",),
    "天津": ("天津市",),
    "上海": ("上海市",),
    "重庆": ("重庆市",),
    "河北": ("河北省",),
    "山西": ("山西省",),
    "辽宁": ("辽宁省",),
    "吉林": ("吉林省",),
    "黑龙江": ("黑龙江省",),
    "江苏": ("江苏省",),
    "浙江": ("浙江省",),
    "安徽": ("安徽省",),
    "福建": ("福建省",),
    "江西": ("江西省",),
    "山东": ("山东省",),
    "河南": ("河南省",),
    "湖北": ("湖北省",),
    "湖南": ("湖南省",),
    "广东": ("广东省",),
    "海南": ("海南省",),
    "四川": ("四川省",),
    "贵州": ("贵州省",),
    "云南": ("云南省",),
    "陕西": ("陕西省",),
    "甘肃": ("甘肃省",),
    "青海": ("青海省",),
    "台湾": ("台湾省",),
    "内蒙古": ("内蒙古自治区",),
    "广西": ("广西壮族自治区", "广西自治区"),
    "西藏": ("西藏自治区",),
    "宁夏": ("宁夏回族自治区", "宁夏自治区"),
    "新疆": ("新疆维吾尔自治区", "新疆自治区"),
    "香港": ("香港特别行政区",),
    "澳门": ("澳门特别行政区",),
}

# The prefecture-level cities (地级市) of each province, without 市. Only cities: 地区, 自治州 and 盟 are
# left out, and so are county-level cities (a 市 not listed here decides nothing).
PREFECTURE_CITIES: dict[str, tuple[str, ...]] = {
    "河北": ("石家庄", "唐山", "秦皇岛", "邯郸", "邢台", "保定", "张家口", "承德", "沧州", "廊坊", "衡水"),
    "山西": ("太原", "大同", "阳泉", "长治", "晋城", "朔州", "晋中", "运城", "忻州", "临汾", "吕梁"),
    "内蒙古": ("呼和浩特", "包头", "乌海", "赤峰", "通辽", "鄂尔多斯", "呼伦贝尔", "巴彦淖尔", "乌兰察布"),
    "辽宁": (
        "沈阳",
        "大连",
        "鞍山",
        "抚顺",
        "本溪",
        "丹东",
        "锦州",
        "营口",
        "阜新",
        "辽阳",
        "盘锦",
        "铁岭",
        "朝阳",
        "葫芦岛",
    ),
    "吉林": ("长春", "吉林", "四平", "辽源", "通化", "白山", "松原", "白城"),
    "黑龙江": (
        "哈尔滨",
        "齐齐哈尔",
        "鸡西",
        "鹤岗",
        "双鸭山",
        "大庆",
        "伊春",
        "佳木斯",
        "七台河",
        "牡丹江",
        "黑河",
        "绥化",
    ),
    "江苏": ("南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁"),
    "浙江": ("杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水"),
    "安徽": (
        "合肥",
        "芜湖",
        "蚌埠",
        "淮南",
        "马鞍山",
        "淮北",
        "铜陵",
        "安庆",
        "黄山",
        "滁州",
        "阜阳",
        "宿州",
        "六安",
        "亳州",
        "池州",
        "宣城",
    ),
    "福建": ("福州", "厦门", "莆田", "三明", "泉州", "漳州", "南平", "龙岩", "宁德"),
    "江西": ("南昌", "景德镇", "萍乡", "九江", "新余", "鹰潭", "赣州", "吉安", "宜春", "抚州", "上饶"),
    "山东": (
        "济南",
        "青岛",
        "淄博",
        "枣庄",
        "东营",
        "烟台",
        "潍坊",
        "济宁",
        "泰安",
        "威海",
        "日照",
        "临沂",
        "德州",
        "聊城",
        "滨州",
        "菏泽",
    ),
    "河南": (
        "郑州",
        "开封",
        "洛阳",
        "平顶山",
        "安阳",
        "鹤壁",
        "新乡",
        "焦作",
        "濮阳",
        "许昌",
        "漯河",
        "三门峡",
        "南阳",
        "商丘",
        "信阳",
        "周口",
        "驻马店",
    ),
    "湖北": ("武汉", "黄石", "十堰", "宜昌", "襄阳", "鄂州", "荆门", "孝感", "荆州", "黄冈", "咸宁", "随州"),
    "湖南": (
        "长沙",
        "株洲",
        "湘潭",
        "衡阳",
        "邵阳",
        "岳阳",
        "常德",
        "张家界",
        "益阳",
        "郴州",
        "永州",
        "怀化",
        "娄底",
    ),
    "广东": (
        "广州",
        "韶关",
        "深圳",
        "珠海",
        "汕头",
        "佛山",
        "江门",
        "湛江",
        "茂名",
        "肇庆",
        "惠州",
        "梅州",
        "汕尾",
        "河源",
        "阳江",
        "清远",
        "东莞",
        "中山",
        "潮州",
        "揭阳",
        "云浮",
    ),
    "广西": (
        "南宁",
        "柳州",
        "桂林",
        "梧州",
        "北海",
        "防城港",
        "钦州",
        "贵港",
        "玉林",
        "百色",
        "贺州",
        "河池",
        "来宾",
        "崇左",
    ),
    "海南": ("海口", "三亚", "三沙", "儋州"),
    "四川": (
        "成都",
        "自贡",
        "攀枝花",
        "泸州",
        "德阳",
        "绵阳",
        "广元",
        "遂宁",
        "内江",
        "乐山",
        "南充",
        "眉山",
        "宜宾",
        "广安",
        "达州",
        "雅安",
        "巴中",
        "资阳",
    ),
    "贵州": ("贵阳", "六盘水", "遵义", "安顺", "毕节", "铜仁"),
    "云南": ("昆明", "曲靖", "玉溪", "保山", "昭通", "丽江", "普洱", "临沧"),
    "西藏": ("拉萨", "日喀则", "昌都", "林芝", "山南", "那曲"),
    "陕西": ("西安", "铜川", "宝鸡", "咸阳", "渭南", "延安", "汉中", "榆林", "安康", "商洛"),
    "甘肃": (
        "兰州",
        "嘉峪关",
        "金昌",
        "白银",
        "天水",
        "武威",
        "张掖",
        "平凉",
        "酒泉",
        "庆阳",
        "定西",
        "陇南",
    ),
    "青海": ("西宁", "海东"),
    "宁夏": ("银川", "石嘴山", "吴忠", "固原", "中卫"),
    "新疆": ("乌鲁木齐", "克拉玛依", "吐鲁番", "哈密"),
}

_MIN_MENTIONS = 2  # a text names its province more than once (a single 北京市 may be where a training was)


def full_name(province: str) -> str:
    """江苏 → 江苏省, 广西 → 广西壮族自治区."""
    return PROVINCES[province][0]


@cache
def _names() -> dict[str, str]:
    """Every name that places a body in a province (江苏省, 宿迁市, 江苏), mapped to that province."""
    names = {name: short for short, fulls in PROVINCES.items() for name in fulls}
    names |= {f"{city}市": short for short, cities in PREFECTURE_CITIES.items() for city in cities}
    return names


@cache
def _mention() -> re.Pattern[str]:
    # Longest first, so 广西壮族自治区 is one mention; 市场 (宿迁市场监管…) is not the city 宿迁市.
    alternatives = "|".join(sorted(map(re.escape, _names()), key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})(?!场)")


def province_of_place(text: str) -> str | None:
    """The province a place's words name (江苏省宿迁市沭阳县 → 江苏, 宿迁市沭阳县 → 江苏, 宿迁 → 江苏,
    江苏 → 江苏); None when they name none, or two."""
    words = re.sub(r"\s", "", text)
    if words in PROVINCES:
        return words
    if words in {c for cities in PREFECTURE_CITIES.values() for c in cities}:
        return next(p for p, cities in PREFECTURE_CITIES.items() if words in cities)
    found = {_names()[m.group(0)] for m in _mention().finditer(words)}
    return found.pop() if len(found) == 1 else None


def province_in_name(agency: str) -> str | None:
    """The province a body's name carries: the province or the prefecture-level city it names first."""
    first = _mention().search(re.sub(r"\s", "", agency))
    return _names()[first.group(0)] if first is not None else None


def province_in_text(text: str) -> str | None:
    """The province a report's own words place it in: the one its province and city names point to, named at
    least twice and at least twice as often as any other; None otherwise."""
    votes = Counter(_names()[m.group(0)] for m in _mention().finditer(text))
    ranked = votes.most_common(2)
    if not ranked or ranked[0][1] < _MIN_MENTIONS:
        return None
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]
