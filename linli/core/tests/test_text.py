import xml.etree.ElementTree as ET

from linli.core.text import clean_text, initials, mask_name, mask_phone, normalize, redact, safe_url


def test_traditional_characters_become_simplified():
    assert normalize("錦霞社區 九宮廟") == "锦霞社区 九宫庙"


def test_full_width_letters_digits_and_spaces_become_half_width():
    assert normalize("ＡＢ１２３　　号楼") == "AB123 号楼"


def test_blank_and_none_normalise_to_an_empty_string():
    assert normalize(None) == "" and normalize("  \t ") == ""


def test_pinyin_initials_of_a_street_name():
    assert initials("九宫庙街道") == "jgmjd"


def test_pinyin_initials_keep_digits_and_latin_letters():
    assert initials("锦霞1号院A区") == "jx1hyaq"


def test_a_mobile_number_is_masked_in_the_middle():
    assert mask_phone("13812345678") == "138****5678"


def test_a_short_number_is_hidden_whole():
    assert (mask_phone("12345"), mask_phone("661234")) == ("*****", "******")


def test_a_landline_keeps_its_area_code_and_hides_at_least_four_digits():
    assert (mask_phone("023-68812345"), mask_phone("(023)6881234"), mask_phone("68812345")) == (
        "023-****2345", "(023)****234", "****2345")


def test_a_mobile_number_with_the_country_code_and_spaces_is_masked_in_place():
    assert (mask_phone("+86 138 1234 5678"), mask_phone("8613812345678")) == ("+86 138 **** 5678", "86138****5678")


def test_a_phone_field_without_digits_is_hidden():
    assert mask_phone("微信同号") == "****"


def test_a_name_keeps_only_its_first_character():
    assert (mask_name("周莲秀"), mask_name("李四"), mask_name("")) == ("周**", "李*", "")


# -- redaction of what is published ---------------------------------------------------------------------------


def test_a_complaint_loses_its_name_phone_and_id_number():
    assert redact("我叫张三，电话13812345678，身份证110101199003071234") == (
        "我叫张*，电话138****5678，身份证1****************4")


def test_landlines_with_and_without_area_code_and_separators_are_masked():
    assert redact("座机023-6881 2345，或68812345，(023)68812345") == "座机023-**** 2345，或****2345，(023)****2345"


def test_a_personal_short_number_is_masked_and_public_service_numbers_are_kept():
    assert redact("短号661234，分机 8801，报警110，12345转来，客服400-823-4567") == (
        "短号******，分机 ****，报警110，12345转来，客服400-823-4567")


def test_dates_and_amounts_are_not_taken_for_phone_numbers():
    assert redact("2026年12月6日（20261206）付了12345678元") == "2026年12月6日（20261206）付了12345678元"


def test_names_after_the_usual_words_and_before_a_title_are_masked():
    assert redact("联系人：李四；姓名王建国住3栋；楼上欧阳娜娜女士和赵大爷") == "联系人：李*；姓名王**住3栋；楼上欧***女士和赵大爷"


def test_words_before_a_title_that_are_not_names_are_left_alone():
    assert redact("隔壁阿姨说楼上先生") == "隔壁阿姨说楼上先生"


def test_names_the_record_itself_gives_are_masked_wherever_they_appear():
    assert redact("周莲秀家的灯坏了，周莲秀不在家", names=["周莲秀", "", None]) == "周**家的灯坏了，周**不在家"


def test_an_organisations_own_line_can_be_kept():
    assert redact("物业电话023-68812345，王经理13812345678", keep=["023-68812345"]) == (
        "物业电话023-68812345，王经理138****5678")


def test_control_characters_are_removed_and_tab_and_newline_kept():
    text = "".join(chr(c) for c in range(0x20)) + "a\x7f\x85b\ud800\ufffe"
    assert clean_text(text) == "\t\nab"
    element = ET.Element("d")
    element.text = redact(text)
    assert ET.fromstring(ET.tostring(element, encoding="unicode")).text == "\t\nab"


def test_only_absolute_http_and_https_links_are_published():
    assert [safe_url(u) for u in ("https://x.cn/a.jpg", "HTTP://x.cn/", "javascript:alert(1)", "data:text/html,x",
                                  "//x.cn/a", "http:///a", "https://x.cn/a b", "https://x.cn/\x00", "")] == [
        "https://x.cn/a.jpg", "HTTP://x.cn/", "", "", "", "", "", "", ""]


def test_a_name_found_once_is_masked_wherever_else_it_appears():
    assert redact("张三先生欠费；欠费户：张三") == "张*先生欠费；欠费户：张*"
