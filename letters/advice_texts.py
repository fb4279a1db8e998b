"""What the service's advice on a referral means, in the app's own plain words, for the patient's letter
after advice given without an MDT discussion (letters.writing.draft_advice_body).

One entry per advice outcome that is itself the plan (`referrals.choices.PLAN_IN_ADVICE`: the patient
stays with their own hospital's team), and one per spinal precaution (docs/clinical-reference.md §10:
flat bed rest and log roll until spinal stability is assessed and cleared). No doses and no clinical
detail: the referrer's advice text is for the referrer, and the clinician adds what is right for this
patient. `tests/letters/test_readability.py` keeps every text within the reading level, and fails if an
outcome that is the plan has no text.
"""

from referrals.choices import Outcome, Precautions

# (heading, explanation) per advice outcome that is the plan.
OUTCOMES: dict[str, tuple[str, str]] = {
    Outcome.ADVICE_ONLY: (
        "Care from your own hospital",
        "The spinal team does not need to see you. Your own hospital team can give you the care you need. "
        "We have told them what we think is best.",
    ),
    Outcome.RADIOTHERAPY_LOCALLY: (
        "Radiotherapy at your own hospital",
        "We advised that you have radiotherapy at your own hospital. Radiotherapy uses strong X-rays to treat "
        "the cancer in the bones of your back. It can ease pain. Your team there will tell you how many visits "
        "you need.",
    ),
    Outcome.NOT_MSCC: (
        "The cancer is not pressing on the nerves",
        "We looked at your scans and what your doctors told us. We do not think that the cancer is pressing on "
        "the nerves in your back. Your own hospital team will go on caring for you.",
    ),
}

# Plain words for the spinal precautions in the advice.
PRECAUTIONS: dict[str, tuple[str, str]] = {
    Precautions.FLAT_LOG_ROLL: (
        "Keeping your back safe",
        "For now, you need to lie flat in bed. When you need to turn, the nurses will help you roll over in "
        "one smooth move. This keeps your back safe until the doctors know that your spine is stable.",
    ),
    Precautions.NONE_NEEDED: (
        "Moving about",
        "You do not need to lie flat or take special care when you move.",
    ),
    Precautions.CLEARED: (
        "Moving about",
        "The doctors have checked that your spine is stable. You can move about as your pain allows.",
    ),
}

STEROIDS = (
    "Steroids",
    "We also gave your doctors advice about a steroid medicine. It can bring down swelling around the nerves "
    "in your back. Your doctors will talk to you about it.",
)

NEXT = (
    "Your team at {organisation} will look after you. They will talk to you about our advice. "
    "You do not need to come to see us unless they tell you to."
)
