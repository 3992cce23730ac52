"""Backups that can be restored: the database (SQLite online backup API / pg_dump custom format) and the
uploaded files, with a manifest of SHA-256 sums and the audit chain's head at the time of the backup.

A backup is a directory ``skillreg-<YYYYmmdd-HHMMSS>/``:
    manifest.json   vendor, created_at, files and their sha256, audit head (seq, mac), row counts
    database.sqlite3 | database.dump
    media.tar       the uploads (MEDIA_ROOT), if any

Restore checks every sum first, replaces the database and the uploads, then verifies the audit chain and that
its head is the one recorded in the manifest. Stop the web server and the task consumer before restoring.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with fixed arguments, no shell
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

from skillreg.audit.models import AuditHead, AuditRecord
from skillreg.audit.verify import verify_chain
from skillreg.core.errors import ValidationFailed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ValidationFailed(f"找不到 {name}（Debian：apt-get install postgresql-client）", code="PG_TOOL_MISSING")
    return path


def _head() -> dict[str, Any]:
    head = AuditHead.objects.filter(id=1).first()
    return {"seq": head.seq if head else 0, "mac": head.mac if head else "0" * 64}


def backup(out_dir: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005 - a file name, local time is intended
    target = Path(out_dir) / f"skillreg-{stamp}"
    target.mkdir(parents=True, exist_ok=False)
    vendor = connection.vendor
    files: dict[str, str] = {}
    head = _head()
    if vendor == "sqlite":
        db_file = target / "database.sqlite3"
        connection.ensure_connection()
        dst = sqlite3.connect(db_file)
        try:
            connection.connection.backup(dst)  # online: consistent even while others write
        finally:
            dst.close()
    elif vendor == "postgresql":
        db_file = target / "database.dump"
        args, env = _pg_env()
        name = settings.DATABASES["default"]["NAME"]
        subprocess.run(  # noqa: S603
            [_tool("pg_dump"), *args, "-Fc", "--no-owner", "-f", str(db_file), str(name)], check=True, env=env
        )
    else:  # pragma: no cover
        raise ValidationFailed(f"不支持的数据库：{vendor}")
    files[db_file.name] = _sha256(db_file)
    media = Path(settings.MEDIA_ROOT)
    if media.exists() and any(media.iterdir()):
        with tarfile.open(target / "media.tar", "w") as tar:
            tar.add(media, arcname="uploads")
        files["media.tar"] = _sha256(target / "media.tar")
    manifest = {
        "format": 1,
        "vendor": vendor,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "files": files,
        "audit_head": head,
        "audit_records": AuditRecord.objects.count(),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return target


def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / "manifest.json"
    if not path.exists():
        raise ValidationFailed(f"{source} 不是 skillreg 备份目录（缺少 manifest.json）", code="BACKUP_INVALID")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        if _sha256(Path(source) / name) != digest:
            raise ValidationFailed(f"备份文件 {name} 校验值不符（已损坏或被修改），未恢复", code="BACKUP_CORRUPT")
    return manifest


def restore(source: Path) -> dict[str, Any]:
    source = Path(source)
    manifest = read_manifest(source)
    vendor = connection.vendor
    if manifest["vendor"] != vendor:
        raise ValidationFailed(
            f"备份来自 {manifest['vendor']}，当前数据库为 {vendor}，不能直接恢复", code="BACKUP_VENDOR_MISMATCH"
        )
    if vendor == "sqlite":
        connection.ensure_connection()
        src = sqlite3.connect(source / "database.sqlite3")
        try:
            src.backup(connection.connection)
        finally:
            src.close()
    else:
        for conn in connections.all():
            conn.close()
        args, env = _pg_env()
        name = settings.DATABASES["default"]["NAME"]
        subprocess.run(  # noqa: S603
            [
                _tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                str(name),
                str(source / "database.dump"),
            ],
            check=True,
            env=env,
        )
    if "media.tar" in manifest["files"]:
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        media.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / "media.tar") as tar:
            members = [m for m in tar.getmembers() if m.name == "uploads" or m.name.startswith("uploads/")]
            tar.extractall(media.parent, members=members, filter="data")  # noqa: S202 - members checked, data filter
            if media.name != "uploads":
                (media.parent / "uploads").rename(media)
    report = verify_chain(check_anchor=False)  # older than the last checkpoint by nature
    head = _head()
    return {"manifest": manifest, "chain_ok": report.ok, "problem": report.problem, "head": head}
