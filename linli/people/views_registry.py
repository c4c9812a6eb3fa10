"""Pages to import the registry from a sheet (upload → dry run → confirm) and to export it.

Between the dry run and the confirmation the upload is kept in MEDIA_ROOT/imports under a random
token that only the user's session knows; the browser sends back the token, never a path.
"""

import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from linli.core import uploads
from linli.core.access import get_visible_or_404, staff_required
from linli.core.dbrouter import replica_reads
from linli.people import registry_io
from linli.people.scopes import scope_for
from linli.places.models import Division
from linli.places.permissions import require_registry_admin

SESSION_KEY = "registry_imports"
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
EXTENSIONS = (".xlsx", ".csv")
KEEP_SECONDS = 24 * 3600
MAX_PENDING = 5
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
TEMPLATE = "people/registry_import.html"


def _upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _pending_path(token: str, ext: str) -> Path:
    return _upload_dir() / f"{token}{ext}"


def _forget_stale_uploads() -> None:
    """Uploads that were never confirmed are removed after a day."""
    folder = _upload_dir()
    if not folder.is_dir():
        return
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _download(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _page(request, *, result=None, token=None, error=None):
    return render(request, TEMPLATE, {
        "result": result,
        "token": token,
        "error": error,
        "max_errors": 500,
        "max_mb": uploads.max_bytes("sheet") // (1024 * 1024),
    })


@staff_required
@require_http_methods(["GET", "POST"])
def registry_import(request):
    """Upload a sheet, see what it would do, then confirm."""
    require_registry_admin(request.user)
    if request.method == "GET":
        return _page(request)
    if "cancel" in request.POST:
        _drop_pending(request, request.POST.get("token", ""))
        return _page(request)
    if "token" in request.POST:
        return _confirm(request)
    return _dry_run(request)


def _dry_run(request):
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, error="请选择要导入的文件（.xlsx 或 .csv）")
    ext = Path(upload.name).suffix.lower()
    if ext == ".xls":
        return _page(request, error="不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入")
    if ext not in EXTENSIONS:
        return _page(request, error="只支持 .xlsx 和 .csv 文件")
    if upload.size > uploads.max_bytes("sheet"):  # the cap of the upload gate, before the file is read
        return _page(request, error=f"文件太大，最大 {uploads.max_bytes('sheet') // (1024 * 1024)} MB，请拆分后分批导入")
    data = upload.read()
    result = registry_io.import_registry(data, upload.name, user=request.user, commit=False)
    token = None
    if result.ok and result.writes_anything:
        _forget_stale_uploads()
        token = secrets.token_urlsafe(24)
        _upload_dir().mkdir(parents=True, exist_ok=True)
        _pending_path(token, ext).write_bytes(data)
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = {"name": upload.name, "ext": ext, "at": timezone.now().isoformat()}
        for old in sorted(pending, key=lambda t: pending[t]["at"])[:-MAX_PENDING]:
            _pending_path(old, pending.pop(old)["ext"]).unlink(missing_ok=True)
        request.session[SESSION_KEY] = pending
    return _page(request, result=result, token=token)


def _take_pending(request, token: str):
    """The stored upload for ``token`` if this session made it; the path is built here, never sent."""
    pending = request.session.get(SESSION_KEY, {})
    meta = pending.get(token) if TOKEN.fullmatch(token or "") else None
    if meta is None or meta.get("ext") not in EXTENSIONS:
        return None, None
    path = _pending_path(token, meta["ext"])
    return (meta, path) if path.is_file() else (None, None)


def _drop_pending(request, token: str) -> None:
    meta, path = _take_pending(request, token)
    if path is not None:
        path.unlink(missing_ok=True)
    pending = request.session.get(SESSION_KEY, {})
    if token in pending:
        pending.pop(token)
        request.session[SESSION_KEY] = pending


def _confirm(request):
    token = request.POST.get("token", "")
    meta, path = _take_pending(request, token)
    if meta is None:
        return _page(request, error="这次导入已经完成或已过期，请重新上传文件")
    result = registry_io.import_registry(path.read_bytes(), meta["name"], user=request.user, commit=True)
    # Done, or (when someone changed the registry since the dry run) nothing written and errors shown;
    # either way this upload is finished and a new try starts with a new upload.
    _drop_pending(request, token)
    return _page(request, result=result)


def _example_community(user):
    scope = scope_for(user)
    communities = Division.objects.visible_to(user).filter(level=Division.Level.COMMUNITY).order_by("path")
    for division in communities[:200]:
        if scope.can_write_division(division):
            return division
    return communities.first()


@staff_required
@require_GET
def registry_template(request, fmt):
    """The import template: Chinese headers, one example row; the .xlsx explains every column."""
    if fmt not in registry_io.FORMATS:
        raise Http404
    data = registry_io.template_file(fmt, community=_example_community(request.user))
    return _download(data, fmt, f"房屋登记导入模板.{fmt}")


@staff_required
@require_GET
@replica_reads
def registry_export(request, fmt):
    """The homes the user may see, in the template's columns (re-imports cleanly); phones masked for read-only roles."""
    if fmt not in registry_io.FORMATS:
        raise Http404
    division = None
    if request.GET.get("division"):
        division = get_visible_or_404(Division, request.user, code=request.GET["division"])
    data, _homes = registry_io.export_registry(fmt, user=request.user, division=division, request=request)
    stamp = timezone.localdate().strftime("%Y%m%d")
    scope_name = f"{division.name}-" if division else ""
    return _download(data, fmt, f"房屋登记-{scope_name}{stamp}.{fmt}")
