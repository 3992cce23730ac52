"""Step 2 of the move (issue 14): ``EvaluationPlan`` is the registry's former ``certificates.EvaluationBatch``,
whose table ``certificates.0003`` renamed to ``evaluations_evaluationplan``. State only: the table, its rows,
ids, numbers, constraints and index exist already."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("certificates", "0003_move_batch_table"),
        ("institutions", "0001_initial"),
        ("occupations", "0003_reseed_occupations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EvaluationPlan",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.CharField(max_length=40, verbose_name="评价计划编号")),
                        (
                            "level",
                            models.PositiveSmallIntegerField(
                                choices=[(5, "五级/初级工"), (4, "四级/中级工"), (3, "三级/高级工"), (2, "二级/技师"), (1, "一级/高级技师")],
                                verbose_name="等级",
                            ),
                        ),
                        (
                            "evaluation_type",
                            models.CharField(
                                choices=[("skill_level", "职业技能等级认定"), ("qualification", "职业资格评价"), ("special_ability", "专项职业能力考核")],
                                default="skill_level",
                                max_length=16,
                                verbose_name="评价类型",
                            ),
                        ),
                        ("starts_on", models.DateField(verbose_name="评价开始日期")),
                        ("ends_on", models.DateField(verbose_name="评价结束日期")),
                        ("applicants", models.PositiveIntegerField(verbose_name="报考人数")),
                        ("passes", models.PositiveIntegerField(verbose_name="合格人数")),
                        ("created_at", models.DateTimeField()),
                        (
                            "created_by",
                            models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL),
                        ),
                        (
                            "filing",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="evaluation_batches",
                                to="institutions.filing",
                                verbose_name="评价机构",
                            ),
                        ),
                        (
                            "occupation",
                            models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="occupations.occupation"),
                        ),
                    ],
                    options={
                        "verbose_name": "评价计划",
                        "verbose_name_plural": "评价计划",
                        "ordering": ["-ends_on", "number"],
                        "indexes": [models.Index(fields=["filing", "ends_on"], name="cert_batch_filing_ends")],
                        "constraints": [
                            models.UniqueConstraint(fields=("filing", "number"), name="unique_batch_number_per_filing"),
                            models.CheckConstraint(condition=models.Q(("passes__lte", models.F("applicants"))), name="batch_passes_le"),
                            models.CheckConstraint(condition=models.Q(("level__gte", 1), ("level__lte", 5)), name="batch_level_1_5"),
                            models.CheckConstraint(condition=models.Q(("ends_on__gte", models.F("starts_on"))), name="batch_dates_order"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        )
    ]
