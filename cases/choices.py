"""Clinical enumerations. Keys follow docs/clinical-reference.md exactly (§6, §7.2, §8.2)."""

from django.db import models


class PrimarySite(models.TextChoices):
    # Lung and bowel are split because Tokuhashi and NOMS score them differently
    # (docs/clinical-reference.md §2.3, §5.2).
    LUNG_NSCLC = "lung_nsclc", "Lung, non-small cell"
    LUNG_SCLC = "lung_sclc", "Lung, small cell"
    BREAST = "breast", "Breast"
    COLON = "colon", "Colon"
    RECTUM = "rectum", "Rectum"
    PROSTATE = "prostate", "Prostate"
    KIDNEY = "kidney", "Kidney (renal cell)"
    THYROID = "thyroid", "Thyroid"
    MYELOMA = "myeloma", "Myeloma"
    LYMPHOMA = "lymphoma", "Lymphoma"
    MELANOMA = "melanoma", "Melanoma"
    UNKNOWN_PRIMARY = "unknown_primary", "Unknown primary"
    OTHER = "other", "Other"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Presentation(models.TextChoices):
    # Any neurological red flag puts the case on the suspected-MSCC pathway (docs/clinical-reference.md §7.2).
    SUSPECTED_MSCC = "suspected_mscc", "Suspected MSCC with neurology"
    SUSPECTED_METASTASES = "suspected_metastases", "Suspected spinal metastases without neurology"
    KNOWN_DISEASE_REVIEW = "known_disease_review", "Known disease review"


class PainRedFlag(models.TextChoices):
    """Spinal pain suggesting spinal metastases (docs/clinical-reference.md §7.2, first table)."""

    PAIN_THORACIC_OR_CERVICAL = "pain_thoracic_or_cervical", "Pain in the thoracic or cervical spine"
    PAIN_LUMBAR_PROGRESSIVE = "pain_lumbar_progressive", "Progressive lumbar spinal pain"
    PAIN_SEVERE_UNREMITTING = "pain_severe_unremitting", "Severe unremitting lower spinal pain"
    PAIN_ON_STRAINING = "pain_on_straining", "Pain worse on straining (stool, cough, sneeze)"
    LOCALISED_TENDERNESS = "localised_tenderness", "Localised spinal tenderness"
    NOCTURNAL_PAIN = "nocturnal_pain", "Night-time spinal pain preventing sleep"
    MECHANICAL_PAIN = "mechanical_pain", "Mechanical pain"
    CLAUDICATION = "claudication", "Claudication-type leg pain on walking"


class NeuroRedFlag(models.TextChoices):
    """Neurological symptoms or signs suggesting MSCC: an emergency (docs/clinical-reference.md §7.2, second table)."""

    RADICULAR_PAIN = "radicular_pain", "Radicular pain, including band-like pain"
    LIMB_WEAKNESS = "limb_weakness", "Limb weakness"
    GAIT_DIFFICULTY = "gait_difficulty", "Difficulty walking"
    SENSORY_LOSS = "sensory_loss", "Sensory loss, numbness or tingling (including saddle area)"
    BLADDER_BOWEL_DYSFUNCTION = "bladder_bowel_dysfunction", "Bladder or bowel dysfunction"
    CORD_OR_CAUDA_SIGNS = "cord_or_cauda_signs", "Signs of cord or cauda equina compression"


RED_FLAG_CHOICES: list[tuple[str, list[tuple[str, str]]]] = [
    ("Spinal pain suggesting metastases", list(PainRedFlag.choices)),
    ("Neurological symptoms or signs suggesting MSCC", list(NeuroRedFlag.choices)),
]
NEURO_RED_FLAG_KEYS: frozenset[str] = frozenset(NeuroRedFlag.values)
RED_FLAG_LABELS: dict[str, str] = {**dict(PainRedFlag.choices), **dict(NeuroRedFlag.choices)}


class FrankelGrade(models.TextChoices):
    A = "A", "A: complete, no motor or sensory function below the lesion"
    B = "B", "B: sensory only"
    C = "C", "C: motor useless"
    D = "D", "D: motor useful"
    E = "E", "E: normal motor and sensory function"


class AsiaGrade(models.TextChoices):
    A = "A", "A: complete"
    B = "B", "B: sensory incomplete"
    C = "C", "C: motor incomplete, most key muscles below grade 3"
    D = "D", "D: motor incomplete, at least half of key muscles grade 3 or more"
    E = "E", "E: normal"


class AmbulatoryStatus(models.TextChoices):
    WALKS_UNAIDED = "walks_unaided", "Walks unaided"
    WALKS_WITH_AID = "walks_with_aid", "Walks with an aid"
    NOT_WALKING = "not_walking", "Not walking"


class Ecog(models.IntegerChoices):
    FULLY_ACTIVE = 0, "0: fully active"
    RESTRICTED = 1, "1: restricted in strenuous activity"
    AMBULATORY = 2, "2: self-caring, up more than 50% of waking hours"
    LIMITED_SELF_CARE = 3, "3: limited self-care, in bed or chair more than 50%"
    DISABLED = 4, "4: completely disabled"
    DEAD = 5, "5: dead"


class CaseStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    IMAGING = "imaging", "Imaging"
    AWAITING_MDT = "awaiting_mdt", "Awaiting MDT"
    DECIDED = "decided", "Decided"
    TREATMENT = "treatment", "Treatment"
    FOLLOW_UP = "follow_up", "Follow-up"
    CLOSED = "closed", "Closed"


class ClosedReason(models.TextChoices):
    """Why a case was closed: asked whenever a case is closed (Case.clean, a database constraint; HAZ-029)."""

    COMPLETED = "completed", "Treatment and follow-up complete"
    DIED = "died", "The patient died"
    TRANSFERRED = "transferred", "Care transferred to another team or hospital"
    NOT_FOR_SERVICE = "not_for_service", "Not spinal metastases, or not for this service"
    DECLINED = "declined", "The patient declined further treatment"
    IN_ERROR = "in_error", "Opened in error, or a duplicate"
    OTHER = "other", "Other (say why in the note)"
    # Only for cases closed before a reason was asked (migration cases 0037); never offered on a form.
    NOT_RECORDED = "not_recorded", "Not recorded (closed before reasons were kept)"


class Modality(models.TextChoices):
    MRI_WHOLE_SPINE = "mri_whole_spine", "Whole-spine MRI"
    MRI_TARGETED = "mri_targeted", "Targeted MRI"
    CT = "ct", "CT"
    PET_CT = "pet_ct", "PET-CT"
    BONE_SCAN = "bone_scan", "Bone scan"
    XRAY = "xray", "X-ray"


MRI_MODALITIES = (Modality.MRI_WHOLE_SPINE, Modality.MRI_TARGETED)


class EsccGradeChoice(models.IntegerChoices):
    """Bilsky ESCC grade, stored as its order so grades compare (docs/clinical-reference.md §4)."""

    G0 = 0, "0: confined to bone"
    G1A = 1, "1a: epidural, thecal sac not deformed"
    G1B = 2, "1b: thecal sac deformed, cord not touched"
    G1C = 3, "1c: tumour abuts the cord, not compressed"
    G2 = 4, "2: cord compressed, CSF visible"
    G3 = 5, "3: cord compressed, no CSF visible"


ESCC_KEYS: dict[int, str] = {0: "0", 1: "1a", 2: "1b", 3: "1c", 4: "2", 5: "3"}


class TreatmentModality(models.TextChoices):
    """The modality of a decision to treat: radiotherapy starts the NICE 24-hour clock.

    docs/clinical-reference.md §7.1 T6.
    """

    RADIOTHERAPY = "radiotherapy", "Radiotherapy"
    SURGERY = "surgery", "Surgery"
    SYSTEMIC = "systemic", "Systemic anti-cancer therapy"
    SUPPORTIVE = "supportive", "Supportive care only"


class PreviousRadiotherapy(models.TextChoices):
    """Previous radiotherapy to the spine (docs/clinical-reference.md §8.2 `previous_rt_to_level`): the
    referral form's values, so an accepted referral's answer carries over."""

    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class SteroidIndication(models.TextChoices):
    """Why dexamethasone was started (docs/clinical-reference.md §7.4)."""

    NEURO_MSCC = "neuro_mscc", "Neurological symptoms or signs of MSCC"
    SEVERE_PAIN = "severe_pain", "Severe pain"
    HAEM_MALIGNANCY = "haem_malignancy", "Haematological malignancy"


class Radiosensitivity(models.TextChoices):
    RADIOSENSITIVE = "radiosensitive", "Radiosensitive"
    RADIORESISTANT = "radioresistant", "Radioresistant"


class ReviewerRole(models.TextChoices):
    """The team role of whoever reviewed an MRI, recorded when they reviewed it (the same keys as the team roles).

    The rule (hazard HAZ-015): a radiologist's review is the specialist review of the imaging that MDT
    readiness asks for and that empties the review worklist. An oncologist's or spinal surgeon's review is
    recorded with their role beside it, and the scan stays on the radiologists' worklist.
    """

    RADIOLOGIST = "radiologist", "Radiologist"
    ONCOLOGIST = "oncologist", "Oncologist"
    SPINAL_SURGEON = "spinal_surgeon", "Spinal surgeon"
