"""``manage.py certificates``: check a certificate number, or import a report file from the command line.

    manage.py certificates check-number S023850000001263000042
    manage.py certificates import 证书.xlsx --institution S023850000001 [--mode valid_only] [--errors 错误.xlsx]
    manage.py certificates recount [--check] [--institution S023850000001]

``recount`` rebuilds the certificate count summary the statistics read from the certificate table; with
``--check`` it changes nothing and reports every difference (docs/deployment.md, operations).

Exit status: 0 = well-formed number / every row imported / counts rebuilt or in step; 1 = malformed number /
rows with errors / file unreadable / counts differ (CommandError); 2 = usage error.
"""

from __future__ import annotations

import getpass
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillreg.certificates import counts, numbers
from skillreg.certificates.imports import import_job_create, import_job_run
from skillreg.certificates.models import ImportMode, ImportStatus
from skillreg.certificates.pipeline import Totals
from skillreg.certificates.selectors import filing_by_code
from skillreg.certificates.services import certificate_counts_recount
from skillreg.core import objectstore
from skillreg.core.errors import DomainError


class Command(BaseCommand):
    help = "证书编号校验与证书数据导入"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check-number", help="校验证书编号格式（22位）")
        check.add_argument("number")
        check.add_argument("--filing", default=None, help="同时核对前13位是否为该备案编码")
        imp = sub.add_parser("import", help="导入证书数据文件（xlsx 或 CSV）")
        imp.add_argument("file")
        imp.add_argument("--institution", required=True, help="评价机构备案编码（13位）")
        imp.add_argument("--mode", choices=ImportMode.values, default=ImportMode.ALL_OR_NOTHING)
        imp.add_argument("--errors", default=None, help="把错误清单（xlsx）另存到此路径")
        imp.add_argument("--one-process", action="store_true", help="检查与写入不分两个进程并行（排查问题用）")
        recount = sub.add_parser("recount", help="按证书登记库重新统计证书计数（统计页面读取的计数表）")
        recount.add_argument("--check", action="store_true", help="只核对，不修改：有不一致时列出并以非零状态退出")
        recount.add_argument("--institution", default=None, help="只处理该评价机构（备案编码）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check-number":
            self._check(options["number"], options["filing"])
        elif options["action"] == "recount":
            self._recount(options["check"], options["institution"])
        else:
            self._import(options)

    def _check(self, number: str, filing_code: str | None) -> None:
        try:
            parsed = numbers.parse(number)
        except numbers.NumberError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}", returncode=1) from None
        problems = numbers.check_against(parsed, filing_code=numbers.normalise(filing_code) if filing_code else None)
        if problems:
            raise CommandError("；".join(f"[{p.code}] {p.message}" for p in problems), returncode=1)
        self.stdout.write(numbers.describe(number))

    def _recount(self, check: bool, code: str | None) -> None:
        filing_ids = None
        if code:
            filing = filing_by_code(numbers.normalise(code))
            if filing is None:
                raise CommandError(f"未找到备案编码为 {code} 的评价机构", returncode=1)
            filing_ids = [filing.pk]
        if not check:
            written = certificate_counts_recount(actor=f"cli:{getpass.getuser()}", filing_ids=filing_ids)
            self.stdout.write(f"证书计数已按证书登记库重新统计：{written:,} 行")
            return
        found = counts.differences(filing_ids)
        if found:
            self.stderr.write("证书计数与证书登记库不一致：")
            for line in counts.describe(found):
                self.stderr.write("  " + line)
            raise CommandError(
                f"共 {len(found)} 处不一致；请运行 manage.py certificates recount 重新统计", returncode=1
            )
        self.stdout.write("证书计数与证书登记库一致")

    def _progress(self) -> Any:
        """A progress line on stderr at most once a second (called from the writer thread)."""
        last = [0.0]

        def show(t: Totals) -> None:
            now = time.monotonic()
            if now - last[0] >= 1:
                last[0] = now
                total = f" / 约 {t.estimated_rows:,}" if t.estimated_rows else ""
                self.stderr.write(f"已处理 {t.rows_read:,}{total} 行：正确 {t.rows_valid:,}，错误 {t.rows_invalid:,}")

        return show

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}", returncode=2)
        filing = filing_by_code(options["institution"])
        if filing is None:
            raise CommandError(f"未找到备案编码为 {options['institution']} 的评价机构", returncode=2)
        actor = f"cli:{getpass.getuser()}"
        try:
            with open(path, "rb") as fh:
                job = import_job_create(
                    filing=filing, actor=actor, fileobj=fh, name=path.name, mode=options["mode"], source="cli"
                )
            self.stderr.write(f"导入任务 {job.public_id}：{filing.name}（{filing.code}），{job.get_mode_display()}")
            job = import_job_run(job, parallel=False if options["one_process"] else None, on_progress=self._progress())
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}", returncode=1) from None
        self.stdout.write(
            f"状态：{job.get_status_display()}；读取 {job.rows_read} 行，新登记 {job.rows_created}，"
            f"已登记未变 {job.rows_unchanged}，错误行 {job.rows_invalid}。{job.message}"
        )
        for e in job.first_errors[:20]:
            self.stdout.write(f"  第{e['row']}行 {e['column']} [{e['code']}] {e['message']}")
        if job.errors_count > 20:
            self.stdout.write(f"  ……共 {job.errors_count} 条错误")
        if options["errors"] and job.errors_storage_name:
            with objectstore.open_file(job.errors_storage_name) as src, open(options["errors"], "wb") as dst:
                shutil.copyfileobj(src, dst)
            self.stdout.write(f"错误清单已保存到 {options['errors']}")
        if job.status != ImportStatus.DONE:
            sys.stdout.flush()
            raise CommandError(f"导入未全部完成（{job.get_status_display()}）", returncode=1)
