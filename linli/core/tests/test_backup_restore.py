"""Issue 14, item 6: ``linli backup`` / ``linli restore`` and the restore drill — back up, change data, restore,
compare (row counts of every table, a checksum of rows, the media files). Runs on the suite's database: SQLite in
``make test``, PostgreSQL (pg_dump/pg_restore of pytest's test database) when the suite runs on PostgreSQL."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from linli.core import backups
from linli.places.models import Division

pytestmark = pytest.mark.django_db(transaction=True)


def table_counts() -> dict:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def rows_checksum() -> str:
    rows = Division.objects.order_by("pk").values_list("pk", "code", "name", "level", "parent_id")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def media_state(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def snapshot(media) -> dict:
    return {"counts": table_counts(), "rows": rows_checksum(), "media": media_state(media)}


@pytest.fixture
def data(media):
    district = Division.objects.create(code="9100", name="备份区", level="district")
    for i in range(3):
        Division.objects.create(code=f"91000{i}", name=f"备份街道{i}", level="street", parent=district)
    (media / "workorders" / "2026").mkdir(parents=True)
    (media / "workorders" / "2026" / "photo.jpg").write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    (media / "notices").mkdir()
    (media / "notices" / "通知.pdf").write_bytes(b"%PDF-1.4 test")
    return district


def backup(tmp_path) -> Path:
    out = io.StringIO()
    call_command("backup", output=str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


def test_the_restore_drill_brings_back_rows_and_media_exactly(data, media, tmp_path):
    before = snapshot(media)
    archive = backup(tmp_path)
    assert archive.is_file() and (archive.stat().st_mode & 0o777) == 0o600

    # Change everything a day of work changes: rows added, deleted and edited, files added and removed.
    Division.objects.create(code="9200", name="新区", level="district")
    Division.objects.create(code="9201", name="新区二", level="district")
    Division.objects.filter(code="910000").delete()
    Division.objects.filter(code="910001").update(name="改过的名字")
    (media / "workorders" / "2026" / "later.jpg").write_bytes(b"later")
    (media / "notices" / "通知.pdf").unlink()
    changed = snapshot(media)
    assert changed["counts"] != before["counts"] and changed["rows"] != before["rows"]
    assert changed["media"] != before["media"]

    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    assert snapshot(media) == before
    kept = [p for p in media.parent.iterdir() if p.name.startswith("media.before-restore-")]
    assert len(kept) == 1 and (kept[0] / "workorders" / "2026" / "later.jpg").read_bytes() == b"later"
    assert str(kept[0]) in out.getvalue()


def test_the_manifest_names_vendor_version_migrations_and_a_checksum_per_member(data, media, tmp_path):
    archive = backup(tmp_path)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["member"] in names
    assert "places.0001_initial" in manifest["migrations"] and manifest["created"] and manifest["linli_version"]
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    assert {"media/workorders/2026/photo.jpg", "media/notices/通知.pdf"} <= set(names)
    photo = (media / "workorders" / "2026" / "photo.jpg").read_bytes()
    assert manifest["files"]["media/workorders/2026/photo.jpg"] == {
        "sha256": hashlib.sha256(photo).hexdigest(), "size": len(photo)}


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, bytes) -> bytes | None`` applied to each member (None drops it)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


def test_an_archive_whose_checksums_fail_is_refused_and_nothing_changes(data, media, tmp_path):
    archive = backup(tmp_path)
    Division.objects.create(code="9300", name="之后的区", level="district")
    after = snapshot(media)
    bad = rewrite(archive, tmp_path / "bad.tar",
                  lambda name, data: data[:-1] + b"!" if name.startswith("media/notices") else data)
    with pytest.raises(CommandError, match="checksum mismatch: media/notices"):
        call_command("restore", str(bad), yes=True, stdout=io.StringIO())
    dropped = rewrite(archive, tmp_path / "dropped.tar",
                      lambda name, data: None if name.startswith("media/workorders") else data)
    with pytest.raises(CommandError, match="does not match its manifest"):
        call_command("restore", str(dropped), yes=True, stdout=io.StringIO())
    assert snapshot(media) == after


def test_an_archive_of_another_database_vendor_is_refused(data, media, tmp_path):
    archive = backup(tmp_path)
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"

    def vendor(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = other
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match=f"归档中是 {other} 数据库"):
        call_command("restore", str(rewrite(archive, tmp_path / "other.tar", vendor)), yes=True,
                     stdout=io.StringIO())


def test_a_member_that_would_land_outside_its_folder_is_refused(data, media, tmp_path):
    archive = backup(tmp_path)
    evil = tmp_path / "evil.tar"
    with tarfile.open(archive) as src, tarfile.open(evil, "w") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member))
        info = tarfile.TarInfo("media/../../etc/cron.d/x")
        info.size = 1
        dst.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(CommandError, match="unexpected member"):
        call_command("restore", str(evil), yes=True, stdout=io.StringIO())


def test_restore_asks_for_confirmation_and_changes_nothing_without_it(data, media, tmp_path, monkeypatch):
    archive = backup(tmp_path)
    Division.objects.create(code="9400", name="保留的区", level="district")
    after = snapshot(media)
    monkeypatch.setattr("builtins.input", lambda prompt="": "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert snapshot(media) == after
    monkeypatch.setattr("builtins.input", lambda prompt="": "yes")
    call_command("restore", str(archive), stdout=io.StringIO())
    assert not Division.objects.filter(code="9400").exists()


def test_keep_prunes_older_archives(data, tmp_path):
    folder = tmp_path / "backups"
    for _ in range(3):
        call_command("backup", output=str(folder), keep=2, stdout=io.StringIO())
    assert len(list(folder.glob("linli-backup-*.tar"))) == 2
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_the_postgresql_password_goes_in_the_environment_not_the_command_line(monkeypatch):
    calls = []
    monkeypatch.setattr(backups.subprocess, "run", lambda command, env, **kw: calls.append((command, env)) or
                        type("R", (), {"returncode": 0, "stderr": ""})())
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-pw")
    backups._run(["pg_dump", "--format=custom"], backups.pg_environment())
    command, env = calls[0]
    assert "s3cret-pw" not in " ".join(command) and env["PGPASSWORD"] == "s3cret-pw"
