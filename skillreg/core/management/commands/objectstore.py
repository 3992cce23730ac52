"""``manage.py objectstore rewind --to T``: the uploads bucket as it was at T, after a database recovery to T
(docs/deployment.md §10; ``skillreg.core.ops.objectrewind``). ``--dry-run`` only tells what it would do."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from skillreg.audit.services import audit_record
from skillreg.core.ops import objectrewind


def _client():  # type: ignore[no-untyped-def]
    import boto3
    from botocore.config import Config

    options = settings.STORAGES["default"].get("OPTIONS", {})
    return boto3.client(
        "s3",
        endpoint_url=options.get("endpoint_url"),
        aws_access_key_id=options.get("access_key") or None,
        aws_secret_access_key=options.get("secret_key") or None,
        region_name=options.get("region_name"),
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


class Command(BaseCommand):
    help = "Rewind the uploads bucket (versioning on) to a point in time, after a database recovery to that time."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        rewind = sub.add_parser("rewind")
        rewind.add_argument("--to", required=True, help="the recovery target time, ISO 8601 with offset")
        rewind.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        bucket = settings.SKILLREG_S3_BUCKET
        if not bucket:
            raise CommandError("未配置对象存储（SKILLREG_S3_BUCKET），上传文件在本地目录，随数据库备份恢复。")
        try:
            target = dt.datetime.fromisoformat(options["to"])
        except ValueError:
            raise CommandError("时间格式不正确，请使用 ISO 8601 格式并带时区，如 2026-12-01T10:00:00+08:00") from None
        if target.tzinfo is None:
            raise CommandError("时间须带时区，如 2026-12-01T10:00:00+08:00")
        client = _client()
        prefix = settings.STORAGES["default"]["OPTIONS"].get("location", "")
        status = client.get_bucket_versioning(Bucket=bucket).get("Status")
        if status != "Enabled":
            raise CommandError(f"存储桶 {bucket} 未开启版本控制，无法回退到指定时间。")
        if options["dry_run"]:
            done = objectrewind.plan(client, bucket, target, prefix)
        else:
            done = objectrewind.rewind(client, bucket, target, prefix)
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action="objectstore.rewind",
                    object_type="objectstore.bucket",
                    object_id=bucket,
                    summary=f"对象存储回退到 {target.isoformat()}",
                    after={"restored": len(done.restore), "removed": len(done.remove), "unchanged": done.unchanged},
                )
        verb = "将" if options["dry_run"] else "已"
        self.stdout.write(
            f"{verb}恢复 {len(done.restore)} 个对象、{verb}移除 {len(done.remove)} 个在该时间之后写入的对象，"
            f"{done.unchanged} 个不变。"
        )
