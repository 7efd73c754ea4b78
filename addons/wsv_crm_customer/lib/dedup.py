"""Keys for the customer duplicate check (查重).

Two customers are suspected duplicates when a key matches: the normalised company name, a
phone number or an e-mail address. Normalising makes the spellings people actually type for the
same company or number compare equal.
"""

import re
import unicodedata

# Innermost bracket pairs; removing them repeatedly also clears nested ones. （） and ［］ are
# folded to () and [] by NFKC before this runs; 【】 have no ASCII form.
BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")

# Legal forms at the end of a name. The English words must start a word, so that "costco" or
# "zinc" keep their last letters; a CJK character before them counts as a word break.
LEGAL_FORM = re.compile(
    r"(?:集团股份有限公司|集团有限公司|股份有限公司|有限责任公司|有限公司|股份公司|集团公司"
    r"|总公司|分公司|公司|集团"
    r"|(?<![a-z0-9])(?:company limited|corporation|co ltd|limited|corp|ltd|inc|co))$"
)

# The 34 provincial-level divisions, full and short names, and 中国.
REGIONS = sorted(
    (
        "北京市 北京 天津市 天津 上海市 上海 重庆市 重庆 "
        "河北省 河北 山西省 山西 辽宁省 辽宁 吉林省 吉林 黑龙江省 黑龙江 江苏省 江苏 "
        "浙江省 浙江 安徽省 安徽 福建省 福建 江西省 江西 山东省 山东 河南省 河南 "
        "湖北省 湖北 湖南省 湖南 广东省 广东 海南省 海南 四川省 四川 贵州省 贵州 "
        "云南省 云南 陕西省 陕西 甘肃省 甘肃 青海省 青海 台湾省 台湾 "
        "内蒙古自治区 内蒙古 广西壮族自治区 广西 西藏自治区 西藏 宁夏回族自治区 宁夏 "
        "新疆维吾尔自治区 新疆 香港特别行政区 香港 澳门特别行政区 澳门 中国"
    ).split(),
    key=len,
    reverse=True,  # longest first: 江苏省 before 江苏
)

# Chinese area codes without the trunk 0: 10 and 2x take 8-digit numbers, 3xx-9xx 7 or 8 digits.
LANDLINE = re.compile(r"(?:10|2\d)\d{8}|[3-9]\d{2}\d{7,8}")
MOBILE = re.compile(r"1\d{10}")
# An extension marker after the number (not the x of a leading "Fax:").
EXTENSION = re.compile(r"(?<=[0-9])[^0-9]*?(?:转|ext|x|#)", re.IGNORECASE)
# A "+" before the first digit: "Tel: +1 202 ..." is as international as "+1 202 ...".
INTERNATIONAL = re.compile(r"[^0-9]*\+")
MIN_PHONE_DIGITS = 7  # a local number without area code; anything shorter matches too much


def _fold(text):
    """Full-width to half-width (NFKC), Latin in lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _words(text):
    """Letters and digits; each run of punctuation, spaces or symbols becomes one space."""
    kept = "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in text)
    return " ".join(kept.split())


MIN_NAME_AFTER_REGION = 3


def normalize_name(name):
    """The company name reduced to what tells companies apart: no brackets, legal form or region."""
    folded = _fold(name)
    text, count = folded, 1
    while count:
        text, count = BRACKETS.subn("", text)
    # Legal forms are stripped while words are still apart: "co ltd" must not eat into a name.
    text = _words(text)
    while match := LEGAL_FORM.search(text):
        text = text[: match.start()].rstrip()
    text = text.replace(" ", "")
    for region in REGIONS:
        if text.startswith(region):
            # A region is only a prefix when a real name follows it: 江苏有限公司 stays 江苏,
            # and 广东电网 stays apart from 广西电网 (电网 alone names no company).
            if len(text) - len(region) >= MIN_NAME_AFTER_REGION:
                text = text[len(region) :]
            break
    return text or _words(folded).replace(" ", "")


def _national(rest, country, international):
    """The national form of the digits after the home country code, None if they are not one."""
    if country != "86":
        return rest if international else None
    if MOBILE.fullmatch(rest):
        return rest
    # "+86 25 8592 3456" is dialled 025 8592 3456 at home; "+86 (0)25 ..." has the 0 already.
    landline = rest.removeprefix("0")
    return "0" + landline if LANDLINE.fullmatch(landline) else None


def normalize_phone(phone, default_country="86"):
    """Digits as dialled from inside the home country; "" when too short to identify anyone.

    Foreign numbers keep their country code after "00", so "+1 ..." cannot meet a local number.
    """
    text = _fold(phone)
    if extension := EXTENSION.search(text):
        text = text[: extension.start()]
    digits = re.sub(r"[^0-9]", "", text)
    international = INTERNATIONAL.match(text) is not None or digits.startswith("00")
    digits = digits.removeprefix("00") if international else digits
    if digits.startswith(default_country):
        rest = digits[len(default_country) :]
        digits = _national(rest, default_country, international) or digits
    elif international:
        digits = "00" + digits
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def normalize_email(email):
    """Trimmed and in lower case; "" when it has no @."""
    # NFKC too: Chinese input methods type the full-width ＠ and letters.
    email = _fold(email).strip()
    return email if "@" in email else ""
