"""The Chinese font the PDF reports embed: ``LINLI_PDF_FONT`` (a .ttf, .otf or .ttc file), or the first of the usual
places where one is installed (Debian's fonts-noto-cjk first). A font without Chinese glyphs is never used: a PDF of
empty boxes would lose the report silently, so a missing font is an error at the download and a warning of
``linli check --deploy``.

Why fpdf2 (docs/dashboard-reports.md, "Fonts"): it embeds a subset of an OpenType/CFF font such as Noto Sans CJK,
picked out of a .ttc collection; reportlab, already a dependency for the posters, refuses PostScript outlines and its
built-in CID fonts are not embedded (the reader must have them).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

# Where distributions put a CJK font (Debian/Ubuntu fonts-noto-cjk, Fedora google-noto-sans-cjk, Arch noto-fonts-cjk,
# WenQuanYi, macOS, Windows).
CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)
# Characters every report prints; a face lacking one of them is not a Chinese font.
PROBE = "月度报告街道响应率满意率超期工单联席会议"


class FontMissing(Exception):
    """No usable Chinese font: the PDF cannot be made (the message says what to install or set)."""


@dataclass(frozen=True)
class Face:
    """A font file and, for a collection, the number of the face to use."""

    path: str
    index: int = 0


def _faces(path: str):
    from fontTools.ttLib import TTCollection, TTFont

    if path.lower().endswith((".ttc", ".otc")):
        collection = TTCollection(path, lazy=True)
        return list(enumerate(collection.fonts))
    return [(0, TTFont(path, lazy=True))]


def _covers(font) -> bool:
    cmap = font.getBestCmap() or {}
    return all(ord(ch) in cmap for ch in PROBE)


def pick_face(path: str) -> Face | None:
    """The face of ``path`` that has the Chinese glyphs, preferring Simplified Chinese (SC/CN/GB) in a collection."""
    try:
        faces = _faces(path)
    except Exception:  # noqa: BLE001 - not a font file, unreadable: not usable
        return None

    def rank(item):
        index, font = item
        name = (font["name"].getDebugName(1) or "") if "name" in font else ""
        simplified = any(tag in name for tag in (" SC", "CN", "GB", "Hei", "PingFang", "YaHei"))
        mono = "Mono" in name
        return (not simplified, mono, index)

    for index, font in sorted(faces, key=rank):
        try:
            if _covers(font):
                return Face(path, index)
        except Exception:  # noqa: BLE001 - a broken face in a collection: try the next one
            continue
    return None


def _bold_path(path: str) -> str | None:
    for a, b in (("Regular", "Bold"), ("regular", "bold")):
        if a in os.path.basename(path):
            candidate = os.path.join(os.path.dirname(path), os.path.basename(path).replace(a, b))
            if os.path.exists(candidate):
                return candidate
    return None


@dataclass(frozen=True)
class Fonts:
    """The regular face and the bold one (the regular again when there is no bold file beside it)."""

    regular: Face
    bold: Face


@functools.lru_cache(maxsize=8)
def _resolve(configured: str) -> Fonts:
    if configured:
        if not os.path.exists(configured):
            raise FontMissing(_("找不到 LINLI_PDF_FONT 指定的字体文件：%(p)s") % {"p": configured})
        regular = pick_face(configured)
        if regular is None:
            raise FontMissing(_("LINLI_PDF_FONT 指定的字体不含中文字形，不能用来生成报告：%(p)s") % {"p": configured})
    else:
        regular = next((face for path in CANDIDATES if os.path.exists(path) and (face := pick_face(path))), None)
        if regular is None:
            raise FontMissing(_("服务器没有安装中文字体，无法生成 PDF 报告。请安装 fonts-noto-cjk，"
                                "或用 LINLI_PDF_FONT 指定一个含中文字形的 .ttf/.otf/.ttc 字体文件。"))
    bold_file = _bold_path(regular.path)
    bold = pick_face(bold_file) if bold_file else None
    return Fonts(regular, bold or regular)


def report_fonts() -> Fonts:
    """The fonts for the PDF reports, or ``FontMissing`` naming what to do."""
    return _resolve(getattr(settings, "LINLI_PDF_FONT", "") or "")
