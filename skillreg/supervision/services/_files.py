"""Uploads that belong to a supervision record (notice attachments, complaint attachments, inspection and
rectification evidence): stored first by ``core.uploads`` (size cap, type by content), then attached as rows in
the caller's transaction. If anything fails — a refused file, a refused write — no stored file is kept."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from skillreg.core.uploads import remove_stored, store_upload


@contextmanager
def stored_uploads(files: Sequence[tuple[Any, str]], *, subdir: str) -> Iterator[list[Any]]:
    """Store every ``(fileobj, name)`` and yield the stored files; on any exception inside (or while storing)
    remove what was stored and re-raise."""
    stored: list[Any] = []
    try:
        for fileobj, name in files:
            stored.append(store_upload(fileobj, name, subdir=subdir))
        yield stored
    except BaseException:
        for f in stored:
            remove_stored(f.storage_name)
        raise


def attach_stored(model: Any, stored: Sequence[Any], **fields: Any) -> None:
    """One ``model`` row (a ``models.StoredFile``) per stored file, with ``fields`` (the owner, uploader …)."""
    for f in stored:
        model.objects.create(
            storage_name=f.storage_name,
            original_name=f.original_name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            **fields,
        )
