"""The evaluation batch becomes ``evaluations.EvaluationPlan`` (issue 14): step 1, rename its table.

The rows, ids and numbers stay; the certificates' foreign keys follow the renamed table (PostgreSQL keeps them
by OID, SQLite ≥ 3.26 rewrites the references). ``evaluations.0001`` then takes the model over in the state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("certificates", "0002_staged_rows_and_worker")]

    operations = [migrations.AlterModelTable(name="evaluationbatch", table="evaluations_evaluationplan")]
