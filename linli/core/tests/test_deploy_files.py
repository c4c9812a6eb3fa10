"""Issue 14, item 4: the deployment files say what the code does — every setting read from the environment is in the
README's table, the nginx site accepts Linli's largest upload and passes the request id, the two nginx sites agree,
the environment file holds no secret, and nginx itself accepts the site (when nginx is installed)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
ENV_READ = re.compile(r"""(?:os\.environ\.get|os\.environ\[|os\.getenv|env_bool|env_int|env_float|env_list|env_str)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")


def readme_table_names() -> set[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split(" | ")[0]))
    return names


def names_read(path: Path) -> set[str]:
    return set(ENV_READ.findall(path.read_text()))


def test_every_variable_the_settings_and_gunicorn_read_is_in_the_readme_table():
    read = names_read(ROOT / "linli" / "settings.py") | names_read(DEPLOY / "gunicorn.conf.py")
    assert {"DATABASE_URL", "LINLI_LOG_FORMAT", "DATABASE_REPLICA_URL", "GUNICORN_WORKERS"} <= read  # the grep works
    missing = sorted(read - readme_table_names() - {"DJANGO_SETTINGS_MODULE"})
    assert not missing, f"add a row to README.md's settings table for: {', '.join(missing)}"


def test_every_variable_of_the_environment_file_is_known_and_no_secret_is_filled_in():
    lines = (DEPLOY / "systemd" / "linli.env.example").read_text().splitlines()
    values = dict(line.lstrip("#").split("=", 1) for line in lines
                  if re.match(r"#?[A-Z][A-Z0-9_]*=", line))
    assert not sorted(set(values) - readme_table_names() - {"CELERY_BROKER_URL"})
    assert values["SECRET_KEY"] == "" and values["LINLI_PRODUCTION"] == "true"
    assert "CHANGE" in values["DATABASE_URL"]


def test_nginx_accepts_the_largest_upload_and_passes_the_request_id_and_never_publishes_media():
    conf = (DEPLOY / "nginx" / "linli.conf").read_text()
    body_mb = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert body_mb > max(settings.LINLI_UPLOAD_MAX_IMAGE_MB, settings.LINLI_UPLOAD_MAX_DOCUMENT_MB,
                         settings.LINLI_UPLOAD_MAX_SHEET_MB)
    assert "proxy_set_header X-Request-ID $request_id;" in conf
    assert re.search(r"location /media/ \{\s*return 404;", conf)
    assert "keepalive" in conf and "location = /healthz" in conf


def test_the_compose_site_is_the_systemd_site_with_the_containers_as_upstream():
    def core(path):
        text = path.read_text()
        text = text[text.index("log_format"):]
        text = re.sub(r"server (127\.0\.0\.1:800\d|web\d:8000) ", "server UPSTREAM ", text)
        text = re.sub(r"(access|error)_log\s+\S+", r"\1_log LOG", text)
        return [line for line in text.splitlines() if "172.16.0.0/12" not in line]

    assert core(DEPLOY / "nginx" / "linli.conf") == core(DEPLOY / "nginx" / "compose.conf")


def test_the_units_start_what_exists():
    web = (DEPLOY / "systemd" / "linli-web@.service").read_text()
    assert "--config /opt/linli/deploy/gunicorn.conf.py --bind 127.0.0.1:%i" in web
    assert (DEPLOY / "gunicorn.conf.py").is_file()
    beat = (DEPLOY / "systemd" / "linli-beat.service").read_text()
    assert "celery -A linli beat" in beat
    assert "linli backup --output" in (DEPLOY / "systemd" / "linli-backup.service").read_text()
    assert "OnCalendar=" in (DEPLOY / "systemd" / "linli-backup.timer").read_text()


@pytest.mark.skipif(not (shutil.which("nginx") and shutil.which("openssl")), reason="nginx or openssl not installed")
def test_nginx_accepts_the_site(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=linli.example.gov.cn", "-keyout", str(tmp_path / "privkey.pem"),
                    "-out", str(tmp_path / "fullchain.pem")], check=True, capture_output=True)
    site = (DEPLOY / "nginx" / "linli.conf").read_text()
    site = site.replace("/etc/ssl/linli/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log {tmp_path}/access.log;\n include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run(["nginx", "-t", "-q", "-c", str(tmp_path / "nginx.conf")], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
