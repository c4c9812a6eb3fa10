"""``linli backup`` and ``linli restore``: the database and the uploaded files in one checked archive.

An archive is a tar file (``linli-backup-20261206T023000Z.tar``, mode 0600: it holds personal data) with

- ``database.pgdump`` (PostgreSQL: ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite: the online backup API, a
  consistent copy while Linli runs);
- ``media/…``: every file under MEDIA_ROOT (LINLI_DATA_DIR/media: photos, attachments, scans, evidence);
- ``manifest.json`` (written last): when, Linli's and Django's versions, the database vendor, the migrations
  applied, and the SHA-256 and size of every other member.

``restore`` checks every member against the manifest (and refuses names that would land outside its folders)
before it touches anything, refuses an archive of another database vendor, asks for confirmation unless
``--yes``, then replaces the database (``pg_restore --clean --if-exists --single-transaction``, or the SQLite
backup API into the live database) and the media folder; the media folder it replaces is kept beside it
(``media.before-restore-…``), never deleted silently.

The PostgreSQL password goes to pg_dump/pg_restore in PGPASSWORD (their environment), never on a command line.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def linli_version() -> str:
    try:
        from importlib.metadata import version

        return version("linli")
    except Exception:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pg_environment(alias: str = "default") -> dict:
    """libpq's variables for the database of ``alias``: the password never appears on a command line."""
    db = connections[alias].settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("NAME", "PGDATABASE")):
        if db.get(key):
            env[var] = str(db[key])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def dump_database(target: Path, alias: str = "default") -> str:
    """Write the database to ``target``; returns the vendor."""
    connection = connections[alias]
    vendor = connection.vendor
    if vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target)], pg_environment(alias))
    elif vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        raise BackupError(f"database vendor {vendor!r} is not supported (PostgreSQL or SQLite)")
    return vendor


def applied_migrations(alias: str = "default") -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connections[alias]).applied_migrations())


def media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def create(output: Path, *, alias: str = "default", now: datetime.datetime | None = None) -> Path:
    """Make one archive in ``output``; returns its path."""
    now = now or datetime.datetime.now(datetime.UTC)
    output.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    final = output / f"linli-backup-{stamp}.tar"
    partial = output / f".{final.name}.partial"
    media_root = Path(settings.MEDIA_ROOT)
    workdir = Path(tempfile.mkdtemp(prefix=".linli-backup-", dir=output))
    try:
        vendor = connections[alias].vendor
        db_member = DB_MEMBERS.get(vendor)
        if db_member is None:
            raise BackupError(f"database vendor {vendor!r} is not supported (PostgreSQL or SQLite)")
        dump_database(workdir / db_member, alias)
        files: dict[str, dict] = {}
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            members = [(workdir / db_member, db_member)]
            members += [(p, "media/" + p.relative_to(media_root).as_posix()) for p in media_files(media_root)]
            for path, name in members:
                digest = _sha256(path)
                info = tar.gettarinfo(str(path), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                with open(path, "rb") as handle:
                    tar.addfile(info, handle)
                files[name] = {"sha256": digest, "size": info.size}
            manifest = {
                "format": FORMAT,
                "created": now.isoformat(timespec="seconds"),
                "linli_version": linli_version(),
                "django_version": __import__("django").get_version(),
                "database": {"vendor": vendor, "member": db_member},
                "migrations": applied_migrations(alias),
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        partial.rename(final)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        partial.unlink(missing_ok=True)
    return final


def prune(output: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives of ``output``; returns what was deleted."""
    archives = sorted(output.glob("linli-backup-*.tar"))
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


# -- restore -----------------------------------------------------------------------------------------------------
def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (not path.is_absolute() and ".." not in path.parts and name == path.as_posix()
            and (name == MANIFEST or name in DB_MEMBERS.values() or (path.parts[0] == "media" and len(path.parts) > 1)))


def read_manifest(archive: Path) -> dict:
    """The archive's manifest, after every member has been checked against it; raises BackupError otherwise."""
    try:
        tar = tarfile.open(archive, mode="r:")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"not a Linli backup archive: {exc}") from exc
    with tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        if MANIFEST not in names:
            raise BackupError("not a Linli backup archive: no manifest.json")
        for member in members:
            if not member.isfile() or not _safe_name(member.name):
                raise BackupError(f"unexpected member in the archive: {member.name!r}")
        if len(set(names)) != len(names):
            raise BackupError("the archive holds a member twice")
        try:
            manifest = json.load(tar.extractfile(MANIFEST))
        except ValueError as exc:
            raise BackupError(f"the manifest cannot be read: {exc}") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        files = manifest.get("files") or {}
        if set(files) != set(names) - {MANIFEST}:
            missing = sorted(set(files) - set(names))
            extra = sorted(set(names) - set(files) - {MANIFEST})
            raise BackupError(f"the archive does not match its manifest (missing {missing}, not listed {extra})")
        for member in members:
            if member.name == MANIFEST:
                continue
            digest = hashlib.sha256()
            handle = tar.extractfile(member)
            for chunk in iter(lambda h=handle: h.read(CHUNK), b""):
                digest.update(chunk)
            expected = files[member.name]
            if digest.hexdigest() != expected.get("sha256") or member.size != expected.get("size"):
                raise BackupError(f"checksum mismatch: {member.name}")
        if manifest.get("database", {}).get("member") not in names:
            raise BackupError("the archive holds no database")
    return manifest


def restore(archive: Path, manifest: dict, *, alias: str = "default") -> Path | None:
    """Replace the database and the media folder with the archive's. Returns where the old media folder was
    kept (None when there was none). Call ``read_manifest`` first."""
    connection = connections[alias]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"the archive holds a {vendor} database; this installation uses {connection.vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    workdir = Path(tempfile.mkdtemp(prefix=".linli-restore-", dir=media_root.parent))
    try:
        new_media = workdir / "media"
        new_media.mkdir()
        with tarfile.open(archive, mode="r:") as tar:
            for member in tar.getmembers():
                if member.name == MANIFEST:
                    continue
                target = workdir / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, open(target, "wb") as sink:
                    shutil.copyfileobj(source, sink, CHUNK)
        db_file = workdir / manifest["database"]["member"]
        # Checked again after extraction: what is restored is exactly what was checked.
        if _sha256(db_file) != manifest["files"][manifest["database"]["member"]]["sha256"]:
            raise BackupError("checksum mismatch after extraction: the archive changed while being restored")
        load_database(db_file, vendor, alias)
        kept = None
        if media_root.exists():
            kept = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
            media_root.rename(kept)
        new_media.rename(media_root)
        return kept
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def load_database(db_file: Path, vendor: str, alias: str = "default") -> None:
    connection = connections[alias]
    if vendor == "postgresql":
        connections.close_all()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", connection.settings_dict["NAME"], str(db_file)], pg_environment(alias))
    else:
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("cannot restore inside a transaction")
        source = sqlite3.connect(db_file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
