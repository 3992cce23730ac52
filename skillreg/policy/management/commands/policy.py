"""``manage.py policy …`` — a thin wrapper over :mod:`skillreg.policy.cli` (pure, testable)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from skillreg.policy import cli


class Command(BaseCommand):
    help = "规则包：check / explain / list / lint / simulate（见 skillreg/policy/cli.py）"

    def add_arguments(self, parser):
        cli.configure_parser(parser)

    def handle(self, *args, **options):
        import argparse

        namespace = argparse.Namespace(**options)
        # What-if over the database: every filed institution's profile (issue 3, item 6).
        from skillreg.applications.profile import filed_institution_profiles

        namespace.profile_source = filed_institution_profiles
        try:
            code = cli.run(namespace, out=self.stdout, err=self.stderr)
            self.stdout.flush()
        except BrokenPipeError:
            # ``policy list | head``: the reader left; stop quietly, no traceback (issue 11).
            cli.silence_stdout()
            raise SystemExit(1) from None
        if code:
            if self._from_shell:
                # The error is already on stderr, once: exit with its status, no second "CommandError" line
                # (issue 11). call_command still raises CommandError for callers in Python.
                raise SystemExit(code)
            raise CommandError(f"policy {options['subcommand']} 退出码 {code}", returncode=code)

    _from_shell = False

    def run_from_argv(self, argv):
        self._from_shell = True
        super().run_from_argv(argv)
