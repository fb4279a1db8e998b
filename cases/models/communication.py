"""A patient's communication needs (the NHS Accessible Information Standard, DCB1605): recorded once.

The record belongs to the patient, so it lives beside `Patient` in the clinical record: every page
that shows the patient (the case page, the agenda, the letters) can flag it without reaching up the
layers. Each need is a yes/no with the detail it requires; the rules are constraints, checked by
`clean` (the form, the workspace) and by the database (every other path). Changes are in history.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models.record import Patient
from core.concurrency import Versioned
from core.fields import LimitedTextField

# The needs a letter must meet, in the order they are flagged. The first three the app produces
# itself (large-print PDF, the accessible HTML version); the rest someone has to arrange.
FORMAT_FIELDS = ("large_print", "screen_reader", "easy_read", "braille", "audio")
TO_ARRANGE = ("easy_read", "braille", "audio")


class CommunicationNeeds(Versioned):
    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="communication_needs")
    large_print = models.BooleanField("large print", default=False)
    screen_reader = models.BooleanField(
        "plain text for a screen reader", default=False, help_text="The accessible (HTML) version of each letter."
    )
    easy_read = models.BooleanField("easy read", default=False, help_text="To be arranged: the app does not make it.")
    braille = models.BooleanField(default=False, help_text="To be arranged: the app does not make it.")
    audio = models.BooleanField(default=False, help_text="To be arranged: the app does not make it.")
    interpreter = models.BooleanField("needs an interpreter", default=False)
    language = models.CharField(max_length=100, blank=True, help_text="The language (or BSL) the patient needs.")
    copy_to_carer = models.BooleanField("copy letters to a carer or advocate", default=False)
    carer_name = models.CharField("carer or advocate's name", max_length=200, blank=True)
    carer_address = LimitedTextField("carer or advocate's address", max_length=500, blank=True)
    address = LimitedTextField(
        "the patient's address for letters",
        max_length=500,
        blank=True,
        help_text="Where the patient's own letters are sent.",
    )
    notes = LimitedTextField(max_length=2000, blank=True, help_text="Anything else that helps (no clinical details).")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "communication needs"
        verbose_name_plural = "communication needs"
        constraints = [
            models.CheckConstraint(
                condition=Q(interpreter=False) | ~Q(language=""),
                name="needs_interpreter_has_language",
                violation_error_message="Say which language the interpreter is for.",
            ),
            models.CheckConstraint(
                condition=Q(copy_to_carer=False) | (~Q(carer_name="") & ~Q(carer_address="")),
                name="needs_carer_copy_has_name_and_address",
                violation_error_message="A copy to a carer or advocate needs their name and address.",
            ),
        ]

    def __str__(self) -> str:
        return f"Communication needs of patient {self.patient_id}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.interpreter and not self.language.strip():
            errors["language"] = "Say which language the interpreter is for."
        if self.copy_to_carer and not self.carer_name.strip():
            errors["carer_name"] = "A copy to a carer or advocate needs their name."
        if self.copy_to_carer and not self.carer_address.strip():
            errors["carer_address"] = "A copy to a carer or advocate needs their address."
        if errors:
            raise ValidationError(errors)

    @property
    def flags(self) -> list[str]:
        """Each need as a short label, for the flag shown wherever the patient is."""
        labels = [self._label(name) for name in FORMAT_FIELDS if getattr(self, name)]
        if self.interpreter:
            labels.append(f"Interpreter: {self.language}")
        if self.copy_to_carer:
            labels.append(f"Copy to {self.carer_name}")
        return labels

    @property
    def to_arrange(self) -> list[str]:
        """The formats someone has to arrange (easy read, braille, audio)."""
        return [self._label(name) for name in TO_ARRANGE if getattr(self, name)]

    def _label(self, name: str) -> str:
        return str(getattr(self._meta.get_field(name), "verbose_name", name)).capitalize()
