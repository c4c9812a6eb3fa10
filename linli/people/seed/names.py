"""Synthetic Chinese names, phone numbers and place names."""

from __future__ import annotations

import random

from linli.core.text import initials

# -- names ---------------------------------------------------------------------------------------
# Surnames with their rough frequency (per cent, national figures), Chongqing favourites included.
SURNAMES = (
    "王7.1 李7.0 张6.7 刘5.4 陈4.5 杨3.1 黄2.2 赵2.0 吴1.9 周1.9 徐1.5 孙1.4 马1.3 朱1.2 胡1.2 郭1.1 何1.1 "
    "高1.0 林1.0 罗0.9 郑0.9 梁0.8 谢0.8 宋0.7 唐0.7 许0.7 韩0.6 冯0.6 邓0.6 曹0.6 彭0.5 肖0.5 田0.5 "
    "董0.5 袁0.5 潘0.4 于0.4 蒋0.4 蔡0.4 余0.4 杜0.4 叶0.4 程0.4 苏0.3 魏0.3 吕0.3 丁0.3 任0.3 沈0.3 "
    "姚0.3 卢0.3 姜0.3 崔0.3 钟0.3 谭0.3 陆0.3 汪0.3 范0.3 金0.3 石0.3 廖0.3 夏0.3 韦0.3 付0.2 方0.2 "
    "白0.2 邹0.2 孟0.2 熊0.2 秦0.2 邱0.2 江0.2 尹0.2 薛0.2 闫0.2 段0.2 雷0.2 侯0.2 龙0.2 史0.2 陶0.2 "
    "黎0.2 贺0.2 顾0.2 毛0.2 郝0.2 龚0.2 邵0.2 钱0.2 严0.2 武0.2 戴0.2 莫0.1 孔0.1 向0.2 汤0.1 冉0.1"
)
GIVEN_MALE = "伟磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳建国志文东海峰亮成永庆祥福生春德忠宏荣新兴贵富坤江洪清山泉松柏树中正胜利兵武元光强红毅锋鸣晖"
GIVEN_FEMALE = "芳娜敏静丽艳娟秀霞英玉萍兰梅莉燕丹蓉慧巧美淑惠珠翠雅芝玲凤洁颖露瑶怡婷雪琳晨欣佳倩妍琴云莲菊桂月彩虹婉娴嘉琪雨梦诗涵悦欢"
PHONE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 170 173 175 176 177 178 "
    "180 181 182 183 185 186 187 188 189 191 193 195 198 199"
).split()


class NameMaker:
    """Realistic Chinese names with their pinyin initials, a million a minute.

    ``initials()`` costs ~0.2 ms a call, so a name's initials are composed from its characters'. The
    character pools hold no character whose first letter changes with its neighbours (checked against
    ``initials()`` over every surname × given name, and again by the tests), so the composition is exact.
    """

    SLOTS = 1000

    def __init__(self, rng: random.Random):
        self.rng = rng
        pairs = [(item[0], float(item[1:])) for item in SURNAMES.split()]
        total = sum(w for _, w in pairs)
        table: list[tuple[str, str]] = []
        for surname, weight in pairs:
            table += [(surname, initials(surname))] * max(1, round(weight / total * self.SLOTS))
        self.surnames = table
        self.male = [(c, initials(c)) for c in GIVEN_MALE]
        self.female = [(c, initials(c)) for c in GIVEN_FEMALE]

    def name(self) -> tuple[str, str]:
        rnd = self.rng.random
        s, si = self.surnames[int(rnd() * len(self.surnames))]
        pool = self.male if rnd() < 0.5 else self.female
        a, ai = pool[int(rnd() * len(pool))]
        if rnd() < 0.3:
            return s + a, si + ai
        b, bi = pool[int(rnd() * len(pool))]
        return s + a + b, si + ai + bi

    def phone(self) -> str:
        return PHONE_PREFIXES[int(self.rng.random() * len(PHONE_PREFIXES))] + f"{self.rng.randrange(100_000_000):08d}"


# Characters for invented place names (districts, streets, communities, estates, companies).
PLACE_CHARS = "东南西北青云松江金银龙凤桂兰河湖山清平安宁和兴华新永福德明阳泉峰柳桃梅竹溪岭川桥滨嘉康泰丰盛"
NUMERALS = "一二三四五六七八九十"
DIGITS = "零一二三四五六七八九"
