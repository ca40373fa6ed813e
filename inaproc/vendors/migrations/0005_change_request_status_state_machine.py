"""A change request's status becomes a protected state machine (django-fsm-2 FSMField),
as a registration's is. In the database the column stays a varchar(20) with the same
choices, default and constraints, so this changes Django's state only: no SQL on
PostgreSQL or SQLite."""

import django_fsm
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0004_kbli_and_held_uploads_moved_out"),
    ]

    operations = [
        # State only: the column is unchanged, and SQLite would otherwise rebuild the
        # table for a field whose class changed.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="changerequest",
                    name="status",
                    field=django_fsm.FSMField(
                        choices=[
                            ("pending", "Waiting for verification"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="pending",
                        max_length=20,
                        protected=True,
                        verbose_name="status",
                    ),
                ),
            ],
        ),
    ]
