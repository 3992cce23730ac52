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
        code = cli.run(namespace, out=self.stdout, err=self.stderr)
        if code:
            raise CommandError(f"policy {options['subcommand']} 退出码 {code}", returncode=code)
