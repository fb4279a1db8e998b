"""Apps above `mdt` add to the demo service without `mdt` importing them.

`seed_demo` (mdt) builds the team, patients, cases and meetings, then runs every seeder registered
here, in its transaction; an app registers one from its AppConfig.ready(). A seeder is idempotent,
like seed_demo, and returns the demo logins it created (username, what they are).
"""

from collections.abc import Callable

Seeder = Callable[[str], list[tuple[str, str]]]  # (demo password) -> logins created
_SEEDERS: list[Seeder] = []


def register_seeder(seeder: Seeder) -> None:
    if seeder not in _SEEDERS:
        _SEEDERS.append(seeder)


def run_seeders(password: str) -> list[tuple[str, str]]:
    created: list[tuple[str, str]] = []
    for seeder in _SEEDERS:
        created.extend(seeder(password))
    return created
