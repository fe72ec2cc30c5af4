import django.db.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rotations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="schedulerun",
            name="by_batch",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="schedulerun",
            name="by_unit",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="schedulerun",
            name="error",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name="schedulerun",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="schedulerun",
            name="makeup",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="schedulerun",
            name="percent",
            field=models.PositiveSmallIntegerField(default=100),
        ),
        migrations.AddField(
            model_name="schedulerun",
            name="phase",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting to start"),
                    ("loading", "Loading the population"),
                    ("solving", "Placing cadres"),
                    ("saving", "Saving seats"),
                    ("done", "Done"),
                ],
                default="done",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="schedulerun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("succeeded", "Succeeded"),
                    ("failed", "Failed"),
                ],
                default="succeeded",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="schedulerun",
            name="placed",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="schedulerun",
            name="population",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="schedulerun",
            name="upper_bound",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="schedulerun",
            constraint=models.UniqueConstraint(
                condition=django.db.models.Q(("status__in", ["queued", "running"])),
                fields=("programme",),
                name="one_active_schedule_run_per_programme",
            ),
        ),
    ]
