"""``linli strip-image-metadata app.Model.field …``: remove EXIF/GPS from images stored before the upload gate.

New uploads are re-encoded by linli/core/uploads.py; this rewrites the ones already on disk, in place, keeping
each picture's size and type. Pictures without metadata are left alone, so running it twice changes nothing.
"""

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError

from linli.core.uploads import strip_metadata


class Command(BaseCommand):
    help = "去除已存图片中的 EXIF/GPS 等元数据（如 volunteers.Wish.photo workorders.Attachment.file）。"

    def add_arguments(self, parser):
        parser.add_argument("fields", nargs="+", metavar="app.Model.field")
        parser.add_argument("--dry-run", action="store_true", help="只统计，不改写")

    def handle(self, *args, fields, dry_run=False, **options):
        for label in fields:
            model, field = self._field(label)
            stripped = seen = 0
            for pk, name in model.objects.exclude(**{field: ""}).values_list("pk", field).iterator():
                seen += 1
                stripped += self._strip(model, field, pk, name, dry_run)
            verb = "将去除" if dry_run else "已去除"
            self.stdout.write(f"{label}：{seen} 个文件，{verb}元数据 {stripped} 个")

    def _field(self, label):
        try:
            app_label, model_name, field = label.split(".")
            model = apps.get_model(app_label, model_name)
            model._meta.get_field(field)
        except (ValueError, LookupError) as exc:
            raise CommandError(f"无效的字段：{label}（格式 app.Model.field）") from exc
        # A file whose digest is kept beside it (ledger evidence) is proof: never rewrite it.
        if any(f.name == f"{field}_sha256" for f in model._meta.get_fields()):
            raise CommandError(f"{label} 保存了文件摘要（{field}_sha256），不能改写")
        return model, field

    def _strip(self, model, field, pk, name, dry_run) -> int:
        storage = model._meta.get_field(field).storage
        try:
            with storage.open(name, "rb") as handle:
                data = handle.read()
        except OSError:
            return 0
        clean = strip_metadata(data)
        if clean is None:
            return 0
        if not dry_run:
            storage.delete(name)
            saved = storage.save(name, ContentFile(clean))
            if saved != name:
                model.objects.filter(pk=pk).update(**{field: saved})
        return 1
