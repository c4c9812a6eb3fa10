"""``linli check --deploy`` warns when the PDF reports have no Chinese font (docs/dashboard-reports.md, "Fonts")."""

from django.core.checks import Tags, Warning, register


@register(Tags.compatibility, deploy=True)
def check_pdf_font(app_configs, **kwargs):
    from linli.dashboard.reports.fonts import FontMissing, report_fonts

    try:
        report_fonts()
    except FontMissing as exc:
        return [Warning(f"The PDF reports cannot be made: {exc}",
                        hint="Install fonts-noto-cjk (Debian: apt-get install fonts-noto-cjk) or set LINLI_PDF_FONT "
                             "to a .ttf/.otf/.ttc file with Chinese glyphs.",
                        id="linli.W170")]
    return []
