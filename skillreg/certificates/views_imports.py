"""Bulk reporting pages: templates, upload, the job page (polled by static JS, or meta refresh), errors."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from skillreg.accounts.scope import is_institution
from skillreg.core import objectstore
from skillreg.core.errors import DomainError
from skillreg.documents.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE

from . import selectors
from .forms import UploadForm
from .imports import import_job_create, import_job_run, import_progress
from .spreadsheets import template_csv, template_xlsx
from .views import _member, current_filing


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def template_download(request: HttpRequest, fmt: str) -> HttpResponse:
    _member(request)
    if fmt == "xlsx":
        return _download(template_xlsx(), "证书数据上报模板.xlsx", XLSX_CONTENT_TYPE)
    if fmt == "csv":
        return _download(template_csv(), "证书数据上报模板.csv", CSV_CONTENT_TYPE)
    raise Http404("页面不存在")


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _member(request)
    filing = current_filing(request)
    form = UploadForm()
    if request.method == "POST":
        if filing is None or not is_institution(request.user):
            raise Http404("页面不存在")
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    filing=filing, actor=request.user, fileobj=upload, name=upload.name, mode=form.cleaned_data["mode"]
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                _start(job)
                return redirect("certificates:import", public_id=job.public_id)
    jobs = selectors.import_jobs_for(request.user, filing=filing)
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    return render(request, "certificates/imports.html", {"form": form, "page": page, "filing": filing})


def _start(job) -> None:  # type: ignore[no-untyped-def]
    """Small files inline (the answer is on the next page), large ones on the task queue."""
    inline_limit = int(getattr(settings, "SKILLREG_CERT_IMPORT_INLINE_BYTES", 1024 * 1024))
    if job.size <= inline_limit:
        try:
            import_job_run(job)
        except DomainError:
            pass  # busy: leave it queued for the task
        else:
            return
    from .tasks import import_job_task

    import_job_task(job.pk)


@login_required
def import_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    _member(request)
    job = selectors.import_job_for(request.user, public_id)
    if job.same_file_as_id and not job.is_finished:
        messages.info(request, "该文件与此前上传的文件内容相同；已登记的证书不会重复登记。")
    return render(request, "certificates/import.html", {"job": job, "progress": import_progress(job)})


@login_required
def import_progress_json(request: HttpRequest, public_id: str) -> JsonResponse:
    _member(request)
    job = selectors.import_job_for(request.user, public_id)
    return JsonResponse(import_progress(job))


def error_workbook_name(original_name: str, fallback: str) -> str:
    """ "错误清单-证书.xlsx" for "证书.xlsx" or "证书.csv" — never "证书.xlsx.xlsx" (issue 11)."""
    stem = Path(original_name).stem if original_name else ""
    return f"错误清单-{stem or fallback}.xlsx"


@login_required
def import_errors(request: HttpRequest, public_id: str) -> FileResponse:
    _member(request)
    job = selectors.import_job_for(request.user, public_id)
    if not job.errors_storage_name:
        raise Http404("该导入任务没有错误清单")
    try:
        if not objectstore.exists(job.errors_storage_name):
            raise Http404("错误清单不存在")
        fh = objectstore.open_file(job.errors_storage_name)
    except objectstore.CorruptFile:
        raise Http404("错误清单不存在") from None
    response = FileResponse(fh, as_attachment=True, filename=error_workbook_name(job.original_name, str(job.public_id)))
    response["Content-Type"] = XLSX_CONTENT_TYPE
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def import_start(request: HttpRequest, public_id: str) -> HttpResponse:
    """Run a job left queued (e.g. after a busy start) — POST only."""
    _member(request)
    job = selectors.import_job_for(request.user, public_id)
    if request.method == "POST" and not job.is_finished:
        _start(job)
    return redirect("certificates:import", public_id=job.public_id)
