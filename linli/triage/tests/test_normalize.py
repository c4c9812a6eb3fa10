from linli.triage.engine.normalize import clean, features, tokenizer, words


def test_traditional_characters_become_simplified():
    assert clean("電梯壞了，樓道燈不亮") == "电梯坏了,楼道灯不亮"


def test_full_width_digits_and_letters_become_half_width():
    assert clean("１２栋３单元ＡＢ") == "12栋3单元AB"


def test_whitespace_emoji_links_and_repeated_punctuation_are_removed():
    assert clean("  垃圾没人收😡😡\n\n  到底管不管？？？ http://t.cn/abc ") == "垃圾没人收 到底管不管?"


def test_empty_and_none_give_empty_text():
    assert clean(None) == ""
    assert clean("   ") == ""


def test_domain_words_are_kept_whole_by_the_segmenter():
    assert words(clean("楼道灯坏了，物业费也涨价")) == ["楼道灯", "坏", "了", "物业费", "也", "涨价"]


def test_features_are_domain_words_and_character_bigrams():
    assert features("电梯坏了") == {"电梯", "梯坏", "坏了"}


def test_jieba_cache_stays_in_the_temporary_directory():
    import tempfile

    assert tokenizer().tmp_dir == tempfile.gettempdir()


def test_django_starts_without_importing_jieba():
    import subprocess
    import sys

    code = ("import django, os, sys; os.environ['DJANGO_SETTINGS_MODULE'] = 'linli.settings'; django.setup(); "
            "import linli.urls, linli.triage.services; print('jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_engine_runs_without_django():
    import subprocess
    import sys

    code = ("import sys; from linli.triage.engine import load; load().classify('电梯坏了'); "
            "print('django' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
