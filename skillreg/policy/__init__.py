"""Rules as code: rule packs (``policies/*.yaml``), their schema, loader, linter and the pure engine.

Pure modules (no Django): facts, profile, parsing, schema, loader, lint, compiler, engine,
simulate, samples, docgen, cli. Django-facing: ``api`` (ninja router), ``management/commands/policy``.

    from skillreg.policy.engine import check
    record = check(profile_dict, on=datetime.date(2026, 11, 1))
"""
