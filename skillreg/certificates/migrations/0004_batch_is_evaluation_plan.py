"""Step 3 of the move (issue 14): certificates point at ``evaluations.EvaluationPlan`` — same table, same
column, so only the migration state changes; the old model leaves the state."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_move_batch_table"), ("evaluations", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="certificate",
                    name="batch",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="certificates",
                        to="evaluations.evaluationplan",
                    ),
                ),
                migrations.DeleteModel(name="EvaluationBatch"),
            ],
            database_operations=[],
        )
    ]
