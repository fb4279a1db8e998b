from typing import Any

from django.core.management.base import BaseCommand

from accounts.roles import sync_roles


class Command(BaseCommand):
    help = "Create or update the role groups (accounts/roles.py). migrate does this too; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, count in sync_roles().items():
            self.stdout.write(f"{name}: {count} permissions")
