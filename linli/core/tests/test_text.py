from linli.core.text import initials, mask_name, mask_phone, normalize


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


def test_a_short_number_keeps_only_its_last_two_digits():
    assert mask_phone("12345") == "***45"


def test_a_name_keeps_only_its_first_character():
    assert (mask_name("周莲秀"), mask_name("李四"), mask_name("")) == ("周**", "李*", "")
