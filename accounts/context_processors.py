"""`can` in every template: the access policy's checks for the signed-in user (accounts.policy)."""

from typing import Any

from accounts.policy import CHECKS


class UserChecks:
    """The checks for one user, worked out only when a template asks (`can.review_scan`), each once."""

    def __init__(self, user: Any) -> None:
        self._user = user
        self._answers: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self._answers:
            check = CHECKS.get(name) or CHECKS.get(f"can_{name}")
            if check is None:
                raise KeyError(name)
            self._answers[name] = bool(
                self._user is not None and self._user.is_authenticated and check.allows(self._user)
            )
        return self._answers[name]


def checks(request: Any) -> dict[str, UserChecks]:
    """Context processor: `can` in every template, e.g. `{% if can.record_decision %}`."""
    return {"can": UserChecks(getattr(request, "user", None))}
