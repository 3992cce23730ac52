"""``manage.py traceability``: write docs/traceability.md (requirement → rule-pack entries, code, tests);
``--check`` exits non-zero when the file is stale or an ID that code cites has no test."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from skillreg.core import traceability


class Command(BaseCommand):
    help = "Write docs/traceability.md from docs/requirements.md, the rule packs, the code and the tests' req markers."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--check", action="store_true", help="不写文件，只检查是否最新、是否有未被测试证明的条款")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        trace = traceability.build()
        text = traceability.render(trace)
        unproved = trace.unproved()
        if options["check"]:
            current = traceability.OUTPUT.read_text(encoding="utf-8") if traceability.OUTPUT.exists() else ""
            problems = []
            if current != text:
                problems.append("docs/traceability.md 不是最新的，请运行 manage.py traceability")
            if unproved:
                problems.append("以下条款被代码或规则包引用，但没有测试证明：" + "、".join(unproved))
            if problems:
                raise CommandError("\n".join(problems))
            self.stdout.write("可追溯性检查通过。")
            return
        traceability.OUTPUT.write_text(text, encoding="utf-8")
        self.stdout.write(f"已写入 {traceability.OUTPUT.relative_to(traceability.REPO_ROOT)}：{len(trace.ids)} 个条款")
        if unproved:
            self.stdout.write("未被测试证明的条款：" + "、".join(unproved))
