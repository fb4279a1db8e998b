from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.roles import assign_read_only, assign_role


class Command(BaseCommand):
    help = (
        "Put a user in the groups of their MDT role (their team membership in the admin), "
        "or make them a read-only auditor with --read-only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="staff with view permissions only")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = get_user_model().objects.get(username=options["username"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {options['username']!r}.") from exc
        if options["read_only"]:
            assign_read_only(user)
        else:
            member = getattr(user, "member", None)
            if member is None:
                raise CommandError("This user has no MDT role: add one in the admin (Users), or use --read-only.")
            assign_role(user, member.role)
        groups = ", ".join(sorted(user.groups.values_list("name", flat=True)))
        self.stdout.write(f"{user.get_username()}: {groups}; staff: {'yes' if user.is_staff else 'no'}")
