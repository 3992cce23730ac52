"""``manage.py occupations import FILE`` / ``manage.py occupations list [--q TEXT]``.

The import file is .xlsx (first sheet) or .csv (UTF-8, UTF-8 with BOM, or GBK) with the header
``code,name,levels,new_occupation`` (or 职业编码,职业名称,等级,新职业). Every row is checked before
anything is written; one bad row and nothing is imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from skillreg.accounts.selectors import user_by_username
from skillreg.core.errors import DomainError
from skillreg.occupations.catalogue import CatalogueError, read_file
from skillreg.occupations.models import LEVEL_NAMES
from skillreg.occupations.selectors import occupations_search
from skillreg.occupations.services import occupations_import


class Command(BaseCommand):
    help = "职业（工种）目录：import FILE 导入（xlsx/csv，按编码新增或更新），list [--q 关键词] 查询。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入 .xlsx 或 .csv 文件（全部校验通过才写入）")
        imp.add_argument("file", help="路径，如 occupations.xlsx")
        imp.add_argument("--user", help="记入审计日志的操作人用户名（默认 system）")
        lst = sub.add_parser("list", help="列出职业（工种）")
        lst.add_argument("--q", default="", help="按编码前缀或名称筛选")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["file"], options.get("user"))
        else:
            self._list(options["q"])

    def _import(self, file: str, username: str | None) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        actor: Any = None
        if username:
            actor = user_by_username(username)
            if actor is None:
                raise CommandError(f"用户“{username}”不存在")
        try:
            rows = read_file(path)
            result = occupations_import(rows=rows, actor=actor)
        except CatalogueError as exc:
            raise CommandError(f"{exc}。未导入任何数据。") from exc
        except DomainError as exc:
            raise CommandError(f"{exc.message}。未导入任何数据。") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：共 {result.total} 条，新增 {result.created} 条，更新 {result.updated} 条，"
                f"未变 {result.unchanged} 条。"
            )
        )

    def _list(self, q: str) -> None:
        count = 0
        for occ in occupations_search(q):
            levels = "、".join(LEVEL_NAMES[lv] for lv in occ.levels)
            flags = "".join(["  [新职业]" if occ.new_occupation else "", "" if occ.active else "  [已停用]"])
            self.stdout.write(f"{occ.code:<14} {occ.name}  （{levels}）{flags}")
            count += 1
        self.stdout.write(f"共 {count} 条")
