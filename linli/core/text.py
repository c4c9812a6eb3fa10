"""Chinese text helpers: normalisation, pinyin initials and masking of personal data.

Kept free of Django so that importers, the seeder and (later) triage can share them.
"""

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalize(value: object) -> str:
    """Traditional → Simplified, full-width → half-width, collapsed whitespace, stripped."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    text = _SPACE.sub(" ", text).strip()
    if not text or text.isascii():
        return text
    return _t2s().convert(text)


@lru_cache(maxsize=65536)
def initials(value: str) -> str:
    """Pinyin initials of a Chinese name, lower case: 九宫庙 → "jgm". Latin letters and digits are kept."""
    from pypinyin import Style, lazy_pinyin

    out = []
    for part in lazy_pinyin(normalize(value), style=Style.FIRST_LETTER, errors="default"):
        out.append("".join(ch for ch in part.lower() if ch.isalnum()))
    return "".join(out)


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _hidden_digits(digits: str, *, plus: bool) -> set[int]:
    """Positions (in ``digits``) to hide: at least four, so that a masked number cannot be guessed in a few tries."""
    n = len(digits)
    country = 0
    if plus and digits.startswith("86") or digits.startswith("0086") and n > 12:
        country = 4 if digits.startswith("0086") else 2
    elif digits.startswith("86") and n == 13 and digits[2] == "1":
        country = 2
    rest = digits[country:]
    if len(rest) == 11 and rest[0] == "1":  # a mobile number: 138****5678
        return set(range(country + 3, country + 7))
    if rest[:1] == "0" and 10 <= len(rest) <= 12:  # a landline with its area code: 023-****2345
        area = 3 if rest[1] in "12" else 4
        local = len(rest) - area
        return set(range(country + area, country + area + max(4, local - 4)))
    if n < 7:  # a short number or an extension: nothing of it is shown
        return set(range(n))
    tail = min(4, n - 4)
    head = 3 if n - tail - 3 >= 4 else 0
    return set(range(head, n - tail))


def mask_phone(phone: str | None) -> str:
    """Mask a phone number in place, keeping its separators and never showing more than four of its own digits
    beside a mobile prefix or an area code.

    13812345678 → 138****5678; +86 138 1234 5678 → +86 138 **** 5678; 023-68812345 → 023-****2345;
    68812345 → ****2345; 12345 → *****. Text without digits is hidden whole.
    """
    if not phone:
        return ""
    value = str(phone)
    digits = _digits(value)
    if not digits:
        return "*" * min(len(value), 8)
    hidden = _hidden_digits(digits, plus=value.lstrip().startswith("+"))
    out, i = [], 0
    for ch in value:
        if ch.isdigit():
            out.append("*" if i in hidden else ch)
            i += 1
        else:
            out.append(ch)
    return "".join(out)


def mask_name(name: str | None) -> str:
    """张三丰 → 张**; a two-character name → 张*; Latin names keep their first letter."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


# -- what is published: personal data in free text, control characters, links -------------------------------

# Common surnames (single and compound): a name before 先生/女士/阿姨/… must start with one of them, so that
# "楼上先生" or "隔壁阿姨" are left alone.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤温康施文牛樊"
    "葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉"
    "骆蓝游辛靳管柴蒙鲍华喻祁蒲滕屈饶解牟艾尤阳穆农司卓古吉缪简项芦麦褚娄窦戚岑景卜冷晏席卫米柏"
    "宗瞿桂佟臧闵苟邬卞姬仇栾隋刁荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝封谈匡鞠惠荆冀郁胥班储栗燕楚"
    "鄢谌奚皮粟冼蔺闻厉伊仝郜阚权帅屠朴盖练廉禹井祖漆巴丰支卿狄计索宣晋初扈晁芮阙浦戈伏鹿邸雍辜裘亓修邰赫杭况"
    "宿鲜逯隆茹诸战慕危亢嵇湛戎勾茅揭尉檀昝衡尧"
) | {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐",
     "端木", "西门", "南宫"}
_HAN = "\u4e00-\u9fff"
# Characters that end a name written after 我叫/联系人/姓名 (what usually follows a name in a complaint).
_NAME_STOP = "住在是的了电手号家楼栋单元室和与及同我你他她们请，。、；：:,.!！?？ 0-9"
_NAME_CHAR = f"(?:[{_HAN}·](?<![{_NAME_STOP}]))"
# Compound surnames first, then one character class for the single ones (a class is matched far faster than 400
# alternatives, and the feed redacts up to 1,000 texts per answer).
_SURNAME = "|".join(sorted((s for s in SURNAMES if len(s) > 1), key=len, reverse=True)) + "|[" + "".join(
    sorted(s for s in SURNAMES if len(s) == 1)) + "]"
_CUE_NAME = re.compile(rf"(?P<cue>我叫|我的名字叫|名叫|联系人|姓名|称呼)(?P<sep>[：:\s是为]*)(?P<name>{_NAME_CHAR}{{2,3}})")
_TITLED_NAME = re.compile(rf"(?P<name>(?:{_SURNAME})[{_HAN}]{{0,2}}?)(?=先生|女士|小姐|阿姨|大爷|大妈|大姐|大哥|师傅|老师|奶奶|爷爷|婆婆)")
# Public service numbers that are never personal (police, fire, ambulance, citizen hotlines, utilities).
PUBLIC_NUMBERS = {"110", "112", "119", "120", "122", "12110", "12315", "12319", "12320", "12328", "12333", "12345",
                  "12348", "12358", "12365", "12369", "95598", "96777"}
_SEP = r"[\s-]?"
_NUMBER = re.compile(
    r"(?=[\d(（+电手短分座号联tT])"  # fails fast where no alternative can start (most of a Chinese text)
    r"(?:(?<![\dA-Za-z])(?P<id>\d{17}[\dXx]|\d{15,19})(?![\dA-Za-z])"  # ID numbers (18 or 15 digits), bank cards
    rf"|(?<!\d)(?P<hotline>[48]00{_SEP}\d{{3}}{_SEP}\d{{4}})(?!\d)"  # 400/800: a company's, kept
    rf"|(?<!\d)(?P<mobile>(?:(?:\+|00)?86{_SEP})?1[3-9]\d(?:{_SEP}\d{{4}}){{2}})(?!\d)"
    rf"|(?<!\d)(?P<landline>(?:\(0\d{{2,3}}\)|（0\d{{2,3}}）|0\d{{2,3}}){_SEP}\d{{3,4}}{_SEP}\d{{4}})(?!\d)"
    r"|(?P<cue>电话|手机|短号|分机|座机|号码|联系方式|tel|TEL|Tel)(?P<sep>[：:\s号是为]*)(?P<short>\d{3,6})(?![\d]|[\s-]\d)"
    rf"|(?<![\d.])(?P<local>[2-9]\d{{2,3}}{_SEP}\d{{4}})(?![\d.年元号米个次户人天日月万千百%]))"
)
_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])")


def _mask_number(match: re.Match, keep: set[str]) -> str:
    kind = match.lastgroup if match.lastgroup != "sep" else "short"
    value = match.group(kind)
    if kind == "id":
        return value[0] + "*" * (len(value) - 2) + value[-1]
    if kind == "hotline" or _digits(value) in keep:
        return match.group(0)
    if kind == "short":
        if value in PUBLIC_NUMBERS:
            return match.group(0)
        return match.group("cue") + match.group("sep") + "*" * len(value)
    if kind == "local" and _DATE.fullmatch(_digits(value)):
        return value  # 20261206 is a date, not a number to hide
    return mask_phone(value)


def redact(text: str | None, *, names=(), keep=()) -> str:
    """``text`` as it may be published: phone numbers (mobile, landline with or without area code, personal short
    numbers), ID and card numbers and names written in it masked; control characters removed.

    ``names`` are the names of people the record itself names (its reporter, its contact), masked wherever they
    appear; ``keep`` are numbers that are not personal (an organisation's own line) and stay as they are.
    """
    text = clean_text(text)
    if not text:
        return ""
    kept = {_digits(str(k)) for k in keep if k and _digits(str(k))}
    text = _NUMBER.sub(lambda m: _mask_number(m, kept), text)
    # A name found once (张三先生) is masked wherever else it appears (欠费户：张三).
    known = {str(n).strip() for n in names if n} | names_in(text)
    for name in sorted((n for n in known if len(n) >= 2), key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    text = _CUE_NAME.sub(lambda m: m.group("cue") + m.group("sep") + mask_name(m.group("name")), text)
    return _TITLED_NAME.sub(lambda m: mask_name(m.group("name")), text)


def names_in(text: str) -> set[str]:
    """Names written in ``text`` in the usual patterns (我叫X, 联系人X, 姓名：X, X先生/女士/阿姨…), two characters or
    more (a surname alone names nobody)."""
    found = {m.group("name") for m in _CUE_NAME.finditer(text)} | {m.group("name") for m in _TITLED_NAME.finditer(text)}
    return {name for name in found if len(name) >= 2}


# C0 and C1 control characters (but tab and newline), lone surrogates and the two non-characters: none of them
# may appear in XML 1.0, and none belongs in published text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: object) -> str:
    """``value`` as text without control characters (tab and newline are kept)."""
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))


MAX_URL = 500


def safe_url(value: object) -> str:
    """``value`` when it is an absolute http(s) link (at most 500 characters, no spaces or controls), else ""."""
    from urllib.parse import urlsplit

    text = str(value or "").strip()
    if not text or len(text) > MAX_URL or _CONTROL.search(text) or any(ch.isspace() for ch in text):
        return ""
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return text
