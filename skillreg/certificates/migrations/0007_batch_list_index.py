"""An index for an evaluation plan's certificate page (issue 16): the plan's rows in the list's order. On 10 million
certificates the build takes about a minute, during which imports wait: run it in a quiet hour."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0006_certificate_counts'),
        ('evaluations', '0003_links_evidence_and_roster_errors'),
        ('institutions', '0004_filing_directory_order'),
        ('occupations', '0003_reseed_occupations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='certificate',
            index=models.Index(fields=['batch', '-issue_date', 'number'], name='cert_batch_order'),
        ),
    ]
