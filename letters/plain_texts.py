"""What each treatment means, in the app's own plain words, for the patient's letter.

One entry per `mdt.models.Treatment` key (docs/clinical-reference.md §8.2 `mdt_decision`), each
consistent with the reference: radiotherapy and stereotactic radiotherapy, separation surgery
then stereotactic radiotherapy (§5.3), stabilisation and cement augmentation (§5.3, overlay M),
steroids that the team lowers and stops after treatment (§7.4), supportive care (§5.3, overlay S).
No doses, no numbers of treatments, no survival figures: those are for the clinician to add when
they are right for this patient. `tests/letters/test_readability.py` keeps every text within the
reading level in config/patient_letters.toml, and fails if a treatment key has no text.
"""

from mdt.models import Treatment
from mdt.models.decisions import FollowUp

# (heading, explanation) per treatment key.
TREATMENTS: dict[str, tuple[str, str]] = {
    Treatment.ANALGESIA: (
        "Pain relief",
        "We want your pain to be under control. We will check that you have the right pain medicines. "
        "Tell us if the pain is not under control.",
    ),
    Treatment.STEROIDS: (
        "Steroids",
        "A steroid medicine can bring down swelling around the nerves in your back. "
        "Take it as your team tells you. Once your treatment has started, the team will tell you "
        "how to lower the dose and then stop it.",
    ),
    Treatment.PHYSIO_REHAB: (
        "Physiotherapy",
        "A physiotherapist will help you to move safely. They will help you stay as strong and able as you can.",
    ),
    Treatment.BRACE: (
        "A brace",
        "A brace is a firm support that you wear on your body. It holds your back steady and can ease pain. "
        "We will show you how to put it on and when to wear it.",
    ),
    Treatment.CEBRT: (
        "Radiotherapy",
        "Radiotherapy uses strong X-rays to treat the cancer in the bones of your back. "
        "It can ease pain. It can also stop the cancer from pressing on the nerves. "
        "The team will tell you how many visits you need.",
    ),
    Treatment.SBRT: (
        "Precise radiotherapy",
        "This is a very exact kind of radiotherapy. It aims strong X-rays at the cancer. "
        "It keeps them away from the nerves close by as much as it can.",
    ),
    Treatment.DECOMPRESSION: (
        "An operation to take the pressure off",
        "The surgeon takes away the part of the cancer or bone that presses on the nerves in your back.",
    ),
    Treatment.STABILISATION: (
        "An operation to hold your back steady",
        "Cancer can make the bones of the back weak. In this operation, the surgeon fixes the bones "
        "with screws and rods so that your back is steady and strong.",
    ),
    Treatment.SEPARATION_SBRT: (
        "An operation and then radiotherapy",
        "First, the surgeon makes a small gap between the cancer and the nerves in your back. "
        "Next, you have a very exact kind of radiotherapy. The gap helps keep the nerves safe.",
    ),
    Treatment.MIS_FIXATION: (
        "Keyhole surgery to hold your back steady",
        "The surgeon fixes the weak bones with screws and rods. They put them in through small cuts in the skin.",
    ),
    Treatment.VERTEBROPLASTY: (
        "Bone cement",
        "A doctor puts a special cement into a weak bone of your back through a needle. "
        "The cement sets hard. It makes the bone stronger and can ease pain.",
    ),
    Treatment.KYPHOPLASTY: (
        "Bone cement with a balloon",
        "A doctor uses a small balloon to make a space in a weak bone of your back. "
        "Then they fill the space with a special cement. The cement sets hard and makes the bone stronger.",
    ),
    Treatment.SACT: (
        "Cancer medicines",
        "These are medicines that treat cancer all through the body. They may be drips, tablets or injections. "
        "Your cancer doctor will talk to you about them.",
    ),
    Treatment.BEST_SUPPORTIVE_CARE: (
        "Care to keep you comfortable",
        "The aim is to ease pain and other problems, and to support you and the people close to you. "
        "Our team and your local team will work together on this.",
    ),
    Treatment.FURTHER_IMAGING: (
        "More scans",
        "You need more scans before the team can decide on the best treatment. We will send you the details.",
    ),
}

NO_TREATMENT = (
    "No treatment to the spine for now",
    "The team feels that a treatment to the spine would not help you at the moment. "
    "This can change. If anything changes, or you have new problems, please tell us.",
)

# Plain words for the follow-ups a decision asks for ("What happens next").
FOLLOW_UPS: dict[str, str] = {
    FollowUp.Kind.REPEAT_MRI: "You will have another MRI scan of your back",
    FollowUp.Kind.CLINIC_REVIEW: "You will see the team in clinic",
    FollowUp.Kind.POST_OP_REVIEW: "You will see the surgeon's team after your operation",
    FollowUp.Kind.STEROID_REVIEW: "The team will check your steroid medicine",
    FollowUp.Kind.OTHER: "The team will be in touch about the next step",
}
