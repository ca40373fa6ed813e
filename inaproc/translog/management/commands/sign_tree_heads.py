from django.core.management.base import BaseCommand

from inaproc.translog.services import sign_tree_heads_due


class Command(BaseCommand):
    help = (
        "Sign a tree head for every portal whose transparency log grew since its last one "
        "or whose last one is an hour old. Safe to repeat; run it every 10 minutes."
    )

    def handle(self, *args: object, **options: object) -> None:
        heads = sign_tree_heads_due()
        for head in heads:
            self.stdout.write(f"{head.portal.slug}: {head.tree_size} {head.root_hash}")
        self.stdout.write(self.style.SUCCESS(f"Signed {len(heads)} tree head(s)."))
