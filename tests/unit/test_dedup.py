import pytest

from odoo.addons.wsv_crm_customer.lib import dedup


@pytest.mark.parametrize(
    "raw,key",
    [
        # The cases the duplicate check was specified with.
        ("国网江苏省电力有限公司", "国网江苏省电力"),  # the region is inside, not a prefix
        ("江苏省苏华电力设备有限公司", "苏华电力设备"),
        ("江苏苏华电力设备股份有限公司", "苏华电力设备"),
        ("苏华电力设备（集团）有限公司", "苏华电力设备"),
        ("ＡＢＣ　Ｍｅｔｅｒｓ　Co., Ltd.", "abcmeters"),
        ("上海化学工业区公共管廊有限公司", "化学工业区公共管廊"),
    ],
)
def test_specified_names(raw, key):
    assert dedup.normalize_name(raw) == key


@pytest.mark.parametrize(
    "suffix",
    [
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "集团有限公司",
        "集团股份有限公司",
        "集团公司",
        "集团",
        "分公司",
        "公司",
        "总公司",
        "股份公司",
        " Co., Ltd.",
        " Company Limited",
        " Limited",
        " Ltd",
        " Inc.",
        " Corp.",
        " Corporation",
        " Co.",
    ],
)
def test_every_legal_form_is_stripped(suffix):
    assert dedup.normalize_name("苏华电力" + suffix) == "苏华电力"


def test_legal_forms_are_stripped_repeatedly():
    assert dedup.normalize_name("苏华集团有限公司南京分公司") == "苏华集团有限公司南京"
    assert dedup.normalize_name("苏华电力集团 有限公司") == "苏华电力"
    assert dedup.normalize_name("ABC Group Co Ltd Limited") == "abcgroup"


@pytest.mark.parametrize(
    "raw,key",
    [
        ("Costco", "costco"),  # "co" only as a word of its own
        ("Zinc Meters", "zincmeters"),
        ("Zinc Inc.", "zinc"),
        ("ABCCO., LTD", "abcco"),
        ("苏华Co.,Ltd", "苏华"),  # a CJK character before the English form is a word break
        ("Limited Edition Ltd", "limitededition"),  # only at the end
        ("有限公司苏华", "有限公司苏华"),
    ],
)
def test_english_legal_forms_are_whole_words_at_the_end(raw, key):
    assert dedup.normalize_name(raw) == key


@pytest.mark.parametrize(
    "raw,key",
    [
        ("苏华电力（000123）", "苏华电力"),
        ("苏华电力(集团)", "苏华电力"),
        ("苏华电力[南京]", "苏华电力"),
        ("苏华电力［南京］", "苏华电力"),  # full-width square brackets
        ("【新】苏华电力", "苏华电力"),
        ("苏华（南京(江宁)）电力", "苏华电力"),  # nested
        ("苏华 (南京) 电力 (江宁)", "苏华电力"),
        ("苏华电力（南京", "苏华电力南京"),  # unclosed: only the bracket goes
        ("苏华电力)", "苏华电力"),
    ],
)
def test_brackets_and_their_content_are_removed(raw, key):
    assert dedup.normalize_name(raw) == key


@pytest.mark.parametrize(
    "raw,key",
    [
        ("苏华·电力、设备！", "苏华电力设备"),
        ("苏华 & 电力 + 设备 / 南京", "苏华电力设备南京"),
        ("苏华\t电力\n设备\u3000", "苏华电力设备"),
        ("A-B.C_D", "abcd"),
        ("Ｗｅｉ　Ｓｈｅｎｇ　１２３", "weisheng123"),  # full-width letters and digits
        ("ⅡＢ", "iib"),  # NFKC: Roman numeral two
    ],
)
def test_punctuation_space_and_symbols_go_letters_and_digits_stay(raw, key):
    assert dedup.normalize_name(raw) == key


@pytest.mark.parametrize(
    "raw,key",
    [
        ("北京市苏华电力有限公司", "苏华电力"),
        ("北京苏华电力有限公司", "苏华电力"),
        ("内蒙古自治区苏华电力", "苏华电力"),
        ("内蒙古苏华电力", "苏华电力"),
        ("广西壮族自治区苏华电力", "苏华电力"),
        ("广西苏华电力", "苏华电力"),
        ("新疆维吾尔自治区苏华电力", "苏华电力"),
        ("宁夏回族自治区苏华电力", "苏华电力"),
        ("西藏自治区苏华电力", "苏华电力"),
        ("香港特别行政区苏华电力", "苏华电力"),
        ("香港苏华电力", "苏华电力"),
        ("澳门苏华电力", "苏华电力"),
        ("黑龙江省苏华电力", "苏华电力"),
        ("台湾苏华电力", "苏华电力"),
        ("中国苏华电力", "苏华电力"),
        ("重庆市苏华电力", "苏华电力"),
    ],
)
def test_region_prefixes(raw, key):
    assert dedup.normalize_name(raw) == key


def test_all_34_provincial_divisions_and_china_are_known():
    assert len(dedup.REGIONS) == 34 * 2 + 1
    assert len(set(dedup.REGIONS)) == len(dedup.REGIONS)


def test_only_one_region_prefix_is_stripped():
    assert dedup.normalize_name("中国江苏苏华电力") == "江苏苏华电力"
    assert dedup.normalize_name("江苏省江苏电力") == "江苏电力"


def test_the_longest_region_prefix_wins():
    # 江苏 would leave 省苏华电; 内蒙古 would leave 自治区苏华电.
    assert dedup.normalize_name("江苏省苏华电") == "苏华电"
    assert dedup.normalize_name("内蒙古自治区苏华电") == "苏华电"


@pytest.mark.parametrize(
    "raw,key",
    [
        ("江苏有限公司", "江苏"),  # nothing would remain
        ("江苏华有限公司", "江苏华"),  # one character would remain
        ("江苏华电", "江苏华电"),  # two are not: 广东电网 and 广西电网 stay apart
        ("江苏华电网", "华电网"),  # three are enough
        ("广东电网有限责任公司", "广东电网"),
        ("江苏省华", "江苏省华"),
        ("中国", "中国"),
    ],
)
def test_a_region_is_kept_when_too_little_would_remain(raw, key):
    assert dedup.normalize_name(raw) == key


@pytest.mark.parametrize(
    "raw,key",
    [
        ("有限公司", "有限公司"),
        ("（集团）有限公司", "集团有限公司"),
        ("（苏华）", "苏华"),
        ("Co., Ltd.", "coltd"),
    ],
)
def test_a_name_that_normalises_to_nothing_falls_back_to_its_folded_form(raw, key):
    assert dedup.normalize_name(raw) == key


@pytest.mark.parametrize("raw", [None, "", "   ", "（）", "！？。"])
def test_empty_names(raw):
    assert dedup.normalize_name(raw) == ""


def test_spellings_of_one_company_share_a_key():
    spellings = [
        "江苏苏华电力设备有限公司",
        "江苏省苏华电力设备股份有限公司",
        "苏华电力设备（集团）有限公司",
        " 苏华电力设备集团 ",
        "中国苏华电力设备公司",
    ]
    assert {dedup.normalize_name(name) for name in spellings} == {"苏华电力设备"}


@pytest.mark.parametrize(
    "raw,key",
    [
        ("025-85923456", "02585923456"),
        ("+86 25 8592 3456", "02585923456"),
        ("(025)85923456", "02585923456"),
        ("（０２５）８５９２３４５６", "02585923456"),  # full-width
        ("0086 25 85923456", "02585923456"),
        ("86 25 85923456", "02585923456"),
        ("+86 (0)25 8592 3456", "02585923456"),  # the trunk 0 written anyway
        ("+86 025-85923456", "02585923456"),
        ("+86 10 1234 5678", "01012345678"),  # Beijing: area code 10 starts with 1
        ("010-12345678", "01012345678"),
        ("+86 512 6789 0123", "051267890123"),  # three-digit area code, 8 digits
        ("+86 515 678 9012", "05156789012"),  # three-digit area code, 7 digits
        ("Tel: 025-85923456", "02585923456"),
    ],
)
def test_landlines_keep_their_area_code(raw, key):
    assert dedup.normalize_phone(raw) == key


@pytest.mark.parametrize(
    "raw",
    [
        "+86 139 0517 1234",
        "13905171234",
        "139-0517-1234",
        "+8613905171234",
        "008613905171234",
        "8613905171234",
        "86 139 0517 1234",
        "＋８６　１３９０５１７１２３４",
        "Mobile: +86 139 0517 1234",
    ],
)
def test_mobiles(raw):
    assert dedup.normalize_phone(raw) == "13905171234"


@pytest.mark.parametrize(
    "raw",
    [
        "025-85923456 转 801",
        "025-85923456转801",
        "025-85923456 ext. 801",
        "025-85923456 EXT 801",
        "025-85923456x801",
        "025-85923456 X 801",
        "025-85923456#801",
        "025-85923456 ＃801",
        "+86 25 8592 3456 ext 801",
    ],
)
def test_extensions_are_dropped(raw):
    assert dedup.normalize_phone(raw) == "02585923456"


def test_the_x_of_fax_is_not_an_extension():
    assert dedup.normalize_phone("Fax: 025-85923456") == "02585923456"
    assert dedup.normalize_phone("fax x 025-85923456") == "02585923456"


@pytest.mark.parametrize(
    "raw,key",
    [
        ("86123456", "86123456"),  # a local number that starts with 86
        ("8612345678", "8612345678"),  # 86 + ten digits is neither a mobile nor a landline
        ("861390517123", "861390517123"),  # 86 + a mobile one digit short
        ("86 0 12345678", "86012345678"),  # 0 + 1x... is no area code
    ],
)
def test_86_is_only_a_country_code_before_a_chinese_number(raw, key):
    assert dedup.normalize_phone(raw) == key


@pytest.mark.parametrize(
    "raw,key",
    [
        ("85923456", "85923456"),  # local, no area code: usable
        ("5923456", "5923456"),  # seven digits
        ("923456", ""),  # six are too few
        ("", ""),
        (None, ""),
        ("转801", ""),
        ("n/a", ""),
        ("+86", ""),
        ("+86 5555", ""),
    ],
)
def test_short_numbers_are_no_key(raw, key):
    assert dedup.normalize_phone(raw) == key


@pytest.mark.parametrize(
    "raw",
    ["+1 202 555 0100", "001 202-555-0100", "Tel: +1 (202) 555-0100"],
)
def test_foreign_numbers_keep_their_country_code(raw):
    # Marked with 00 so that they can never equal a domestic number.
    assert dedup.normalize_phone(raw) == "0012025550100"


def test_foreign_number_with_a_code_close_to_86():
    assert dedup.normalize_phone("+852 2123 4567") == "0085221234567"  # Hong Kong
    assert dedup.normalize_phone("+886 2 1234 5678") == "00886212345678"  # Taiwan


def test_another_home_country():
    assert dedup.normalize_phone("+49 30 1234567", default_country="49") == "301234567"
    assert dedup.normalize_phone("0049 30 1234567", default_country="49") == "301234567"
    # Without + or 00 a leading 49 belongs to the number.
    assert dedup.normalize_phone("4930123456", default_country="49") == "4930123456"
    # China's rules are China's: a Chinese mobile is foreign there.
    assert dedup.normalize_phone("+86 139 0517 1234", default_country="49") == "008613905171234"


@pytest.mark.parametrize(
    "raw,key",
    [
        ("li.qiang@wsv.com", "li.qiang@wsv.com"),
        ("  Li.Qiang@WSV.com\n", "li.qiang@wsv.com"),
        ("ｌｉ．ｑｉａｎｇ＠ｗｓｖ．ｃｏｍ", "li.qiang@wsv.com"),  # full-width from an IME
        ("li.qiang", ""),
        ("", ""),
        ("   ", ""),
        (None, ""),
        ("@", "@"),  # not validated: only a key for comparing
    ],
)
def test_normalize_email(raw, key):
    assert dedup.normalize_email(raw) == key
