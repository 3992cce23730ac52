"""Bring the uploads bucket back to a point in time (issue 16, item 7: object storage in the restore drill).

After the database is recovered to time T (docs/deployment.md §10), the bucket must hold what it held at T: the
database references object keys, and an object is never overwritten (new uploads get new keys), so what can have
happened after T is that objects were **deleted** (an import's file once the import finished) or **added**.
With bucket versioning on, both are undone from the versions the store keeps:

* a key whose current version is not the one current at T (deleted, or replaced) gets that version copied back on
  top (``CopyObject`` with ``VersionId``): a new current version with the old bytes;
* a key that did not exist at T is deleted (a delete marker: its versions stay, nothing is lost).

This is ``mc cp --rewind`` of MinIO done through the plain S3 API, so it works on Ceph RGW and on moto (the
drill, ``scripts/pitr-drill``). It reads only the versions listing; it never removes a version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RewindPlan:
    restore: list[tuple[str, str]] = field(default_factory=list)  # (key, version id current at T)
    remove: list[str] = field(default_factory=list)  # keys that did not exist at T
    unchanged: int = 0


Version = tuple[dt.datetime, str | None, bool, str, bool]  # last modified, version id, delete marker, ETag, latest


def _versions(client: Any, bucket: str, prefix: str) -> dict[str, list[Version]]:
    """key → its versions and delete markers, newest first."""
    out: dict[str, list[Version]] = {}
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for v in page.get("Versions", []):
            entry = (v["LastModified"], v["VersionId"], False, v.get("ETag", ""), bool(v.get("IsLatest")))
            out.setdefault(v["Key"], []).append(entry)
        for m in page.get("DeleteMarkers", []):
            entry = (m["LastModified"], m["VersionId"], True, "", bool(m.get("IsLatest")))
            out.setdefault(m["Key"], []).append(entry)
    for entries in out.values():
        # newest first; within one second (some stores keep no finer times) the store's own latest one first
        entries.sort(key=lambda e: (e[0], e[4]), reverse=True)
    return out


def plan(client: Any, bucket: str, target: dt.datetime, prefix: str = "") -> RewindPlan:
    """What rewinding to ``target`` (aware datetime) would do; changes nothing."""
    result = RewindPlan()
    for key, entries in sorted(_versions(client, bucket, prefix).items()):
        current = entries[0]
        at_target = next((e for e in entries if e[0] <= target), None)
        if at_target is None or at_target[2]:  # absent at T (not yet written, or deleted before T)
            if not current[2]:
                result.remove.append(key)
            else:
                result.unchanged += 1
        elif current[1] != at_target[1] and (current[2] or current[3] != at_target[3]):
            # deleted or replaced since (a copy back has the same bytes, hence ETag: rewinding twice is a no-op)
            result.restore.append((key, str(at_target[1])))
        else:
            result.unchanged += 1
    return result


def rewind(client: Any, bucket: str, target: dt.datetime, prefix: str = "") -> RewindPlan:
    """Carry out ``plan``: copy back the versions current at ``target``, delete the keys written after it."""
    todo = plan(client, bucket, target, prefix)
    for key, version in todo.restore:
        client.copy_object(Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": key, "VersionId": version})
    for key in todo.remove:
        client.delete_object(Bucket=bucket, Key=key)
    return todo
