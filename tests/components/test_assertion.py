"""Assertion statuses on inline-marked text: ``[[words|flags]]`` marks a target and the flags
it must carry (``-`` for none). Covers each status, scope through lists, termination, line
breaks inside a sentence, not documented versus negated, and conflict resolution."""

import re

import iro_evidence
import pytest
from iro_evidence.components.assertion import resolve, wrap_tolerant
from iro_evidence.components.extensions import ASSERTION_FLAGS

MARK = re.compile(r"\[\[(.+?)\|([\w,-]+)\]\]", re.S)


def parse(marked: str):
    """Plain text, target spans and expected flag sets from inline markup."""
    text, spans, expected, pos = "", [], [], 0
    for m in MARK.finditer(marked):
        text += marked[pos : m.start()]
        spans.append((len(text), len(text) + len(m.group(1))))
        text += m.group(1)
        expected.append(set() if m.group(2) == "-" else set(m.group(2).split(",")))
        pos = m.end()
    return text + marked[pos:], spans, expected


def check(marked: str, profile: str = "auto"):
    text, spans, expected = parse(marked)
    got = [{k for k, v in d.items() if v} for d in iro_evidence.qualify(text, spans, profile=profile)]
    assert got == expected, text


@pytest.mark.parametrize(
    "marked",
    [
        "No [[spinal stenosis|negated]] is seen.",
        "The MRI was negative for [[fracture|negated]].",
        "[[Infection|negated]] was ruled out.",
        "There was no evidence of [[radiculopathy|negated]] on the EMG.",
        "The patient denies [[chest pain|negated]].",
        "Findings are consistent with [[myelopathy|-]].",
    ],
)
def test_negated(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "Cannot exclude a small [[herniation|possible]].",
        "[[Radiculopathy|possible]] has not been ruled out.",
        "Findings may represent early [[myelopathy|possible]].",
        "Questionable [[fracture|possible]] of the L1 endplate.",
    ],
)
def test_possible(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "If [[weakness|hypothetical]] were to develop, a repeat EMG is reasonable.",
        "Return to clinic if [[fever|hypothetical]] recurs.",
        "Monitor for [[bleeding|hypothetical]] after the biopsy.",
        "Advised to report any [[blurred vision|hypothetical]] while on the medication.",
    ],
)
def test_hypothetical(marked):
    check(marked)


@pytest.mark.parametrize("profile", ["general", "letter"])
@pytest.mark.parametrize(
    "marked",
    [
        # a second cue of the same category ("develops", "worsens") does not end "if"'s scope
        "Return to the ER if he develops [[nausea|hypothetical]], [[vomiting|hypothetical]], "
        "[[fevers|hypothetical]] or [[chills|hypothetical]].",
        "Call the clinic if she develops [[fever|hypothetical]] or a [[rash|hypothetical]].",
        "Come back if the [[pain|hypothetical]] worsens or [[numbness|hypothetical]] appears.",
        "No [[fever|negated]], no [[chills|negated]], and no [[cough|negated]] today.",
    ],
)
def test_same_category_cues_keep_their_scope(marked, profile):
    check(marked, profile)


@pytest.mark.parametrize(
    "marked",
    [
        # rule out, r/o, to exclude and evaluate for name a possibility (medspaCy's category)
        "CT was ordered to rule out [[fracture|possible]].",
        "CTA chest r/o [[PE|possible]].",
        "Blood cultures drawn to evaluate for [[bacteremia|possible]].",
        "Will obtain an MRI to exclude [[cord compression|possible]].",
        # "evaluation for" is such a work-up, not "monitor for"
        "She was admitted for evaluation for [[syncope|possible]].",
        "Watch for [[signs of infection|hypothetical]] at home.",
    ],
)
def test_rule_out_is_possible(marked):
    check(marked, "general")


@pytest.mark.parametrize(
    "marked",
    [
        # plain patient negatives are negated, not "not documented"
        "The patient did not have any [[fever|negated]].",
        "The CT did not show a [[fracture|negated]].",
        "She did not report any [[headache|negated]].",
        "There was no clinical evidence of [[infection|negated]].",
        "The MRI failed to show [[cord compression|negated]].",
        # statements about the record are not documented
        "There is no documentation of [[weakness|not_documented]].",
        "[[Reflexes|not_documented]] are not documented.",
        "The note does not specify the [[reflexes|not_documented]].",
        "An [[EMG|not_documented]] has not been provided.",
        "No evidence of [[myelopathy|not_documented]] was submitted for review.",
    ],
)
def test_not_documented_only_about_the_record(marked):
    check(marked, "general")


@pytest.mark.parametrize(
    "marked",
    [
        # about the current stay in general text; the letter rules read them as history
        "She was treated for [[pneumonia|-]] with antibiotics during this admission.",
        "Status post [[fall|-]] this morning, with a scalp laceration.",
        "We report [[Kawasaki disease|-]] in a child.",
        "Prior to admission he had [[chest pain|-]] for two days.",
        # a report compared with an earlier one is about now
        "Compared with the prior study, there is a new [[infiltrate|-]].",
        "Since the previous exam, the [[effusion|-]] has increased.",
        "Unchanged from the prior radiograph, a small [[nodule|-]] persists.",
    ],
)
def test_current_stay_is_not_historical_in_general_text(marked):
    check(marked, "general")


@pytest.mark.parametrize(
    "marked",
    [
        "Status post [[laminectomy|historical]] at L5-S1.",
        "He was treated for [[lumbar strain|historical]] in the past.",
        "The claimant was previously treated for [[carpal tunnel syndrome|historical]].",
    ],
)
def test_letter_history_cues(marked):
    check(marked, "letter")


@pytest.mark.parametrize(
    "marked",
    [
        # a heading is no cue ...
        "CLINICAL HISTORY: 45 year old man with [[chest pain|-]].",
        "HISTORY OF PRESENT ILLNESS: two days of [[cough|-]] and [[fever|-]].",
        "Clinical history: acute [[dyspnea|-]].",
        # ... the section's own flag qualifies its items, however far from the heading
        "PAST MEDICAL HISTORY: 1. [[Hypertension|historical]]. 2. [[Diabetes mellitus|historical]]. "
        "3. [[Gout|historical]].",
        "Past medical history: [[asthma|historical]], [[GERD|historical]].",
        "FAMILY HISTORY: Mother with [[breast cancer|family]]. Father with [[stroke|family]].",
        # a negative in a social history stays historical
        "SOCIAL HISTORY: Denies [[tobacco|negated,historical]] or [[alcohol|negated,historical]] use.",
        "Social history: [[Tobacco|negated,historical]]: denies.",
        "SOCIAL HISTORY: She denies [[drug use|negated,historical]].",
    ],
)
def test_sections_and_headings(marked):
    check(marked, "general")


@pytest.mark.parametrize(
    "text,profile",
    [
        ("DISCHARGE SUMMARY\nDISCHARGE INSTRUCTIONS: Take aspirin daily. He has [[gout|-]].", "general"),
        ("DISCHARGE INSTRUCTIONS: Take aspirin daily. He has [[gout|-]].", "auto"),
        ("DISCHARGE INSTRUCTIONS: Take aspirin daily. He has [[gout|hypothetical]].", "letter"),
    ],
)
def test_instructions_section_flags_letters_only(text, profile):
    check(text, profile)


@pytest.mark.parametrize(
    "marked",
    [
        "History of [[lumbar fracture|historical]] in 2009.",
        "She had [[pneumonia|historical]] as a child.",
        "He was previously diagnosed with [[lumbar stenosis|historical]].",
        "He had similar [[seizures|historical]] in the past.",
        "In the remote past she had [[tuberculosis|historical]].",
        "The prior [[pneumothorax|historical]] needed a chest tube.",
    ],
)
def test_historical(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "His father had [[spinal stenosis|family]] and needed surgery.",
        "Family history of [[diabetes|family,historical]].",
        "His wife reports that he has [[back pain|-]].",
    ],
)
def test_family(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "There is no documented [[weakness|not_documented]].",
        "The records fail to establish [[radiculopathy|not_documented]].",
        "An [[MRI|not_documented]] of the lumbar spine was not provided for review.",
        "There is no objective evidence of [[radiculopathy|not_documented]].",
        "The note does not specify the [[reflexes|not_documented]].",
        # the same concept, clinically absent, is negated
        "The examination shows no [[radiculopathy|negated]].",
        "There is no [[radiculopathy|negated]]; the records fail to establish [[myelopathy|not_documented]].",
    ],
)
def test_not_documented_is_not_negated(marked):
    check(marked, "letter")


@pytest.mark.parametrize(
    "marked",
    [
        # one trigger scopes over a list
        "No [[weakness|negated]], [[atrophy|negated]], or [[reflex loss|negated]] was found.",
        "Extremities: no [[clubbing|negated]], [[cyanosis|negated]], or [[edema|negated]].",
        # ... and stops at terminators and sentence ends
        "No [[fever|negated]], but [[cough|-]] is present.",
        "No [[stenosis|negated]]; there is a 2 mm [[bulge|-]] at L3-4.",
        "No [[stenosis|negated]], however a 3 mm [[herniation|-]] is seen at L5-S1.",
        "There is no [[fracture|negated]]. [[Spondylolisthesis|-]] is present at L4-5.",
        "No [[myelopathy|negated]], which is not a requirement when the indication is [[radiculopathy|-]].",
        # arguing about a finding is not denying it, and ends a negated subject's scope
        "His opinion does not explain away the [[weakness|-]] of the EHL.",
        "The lack of a home program does not outweigh the [[radiculopathy|-]] on exam.",
        # the bare noun "question" hedges nothing; "a question of" does
        "The CT answered the fracture question, and there is no [[infection|negated]].",
        "There is a question of [[fracture|possible]] at T12.",
    ],
)
def test_scope(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked",
    [
        "The EMG was negative\nfor [[radiculopathy|negated]].",
        "There is no\nevidence of [[radiculopathy|negated]] at any level.",
        "The records fail to\nestablish [[radiculopathy|not_documented]].",
        "The MRI of the lumbar spine without contrast showed a 3 mm\n[[herniation|-]] at L4-5.",
        "Cannot\nexclude [[herniation|possible]].",
    ],
)
def test_line_breaks_inside_a_sentence(marked):
    check(marked)


@pytest.mark.parametrize(
    "flags,expected",
    [
        ({"negated", "possible"}, {"possible"}),
        ({"negated", "not_documented"}, {"not_documented"}),
        ({"possible", "not_documented"}, {"not_documented"}),
        ({"family", "historical"}, {"family"}),
        ({"negated", "historical"}, {"negated"}),
        ({"not_documented", "historical", "hypothetical"}, {"not_documented", "hypothetical"}),
    ],
)
def test_resolution_order(flags, expected):
    f = {k: k in flags for k in ASSERTION_FLAGS}
    assert {k for k, v in resolve(f).items() if v} == expected


@pytest.mark.parametrize(
    "marked",
    [
        # negation and hedge on one target: the hedge wins
        "There is probably no [[herniation|possible]] at L4-5.",
        # no documentation of a possible finding: not documented wins
        "There is no documentation of possible [[radiculopathy|not_documented]].",
    ],
)
def test_resolution_on_text(marked):
    check(marked)


@pytest.mark.parametrize(
    "marked,general,letter",
    [
        (
            "Prior [[stroke|-]] with no residual [[deficits|-]].",
            [{"historical"}, {"negated", "historical"}],
            None,
        ),
        ("Family history of [[diabetes|-]].", [{"family", "historical"}], [{"family"}]),
        ("History of [[seizures|-]], none in the past year.", [{"historical"}], [{"historical"}]),
    ],
)
def test_conflict_order_by_profile(marked, general, letter):
    """General text keeps historical beside negated or family; letters drop it (the
    profiles' "conflicts" in context.json)."""
    text, spans, _ = parse(marked)
    for profile, want in (("general", general), ("letter", letter)):
        got = [{k for k, v in d.items() if v} for d in iro_evidence.qualify(text, spans, profile=profile)]
        if want is None:
            want = [f - {"historical"} if "negated" in f else f for f in general]
        assert got == want, (profile, text)


def test_wrap_tolerant_allows_space_tokens():
    rule = wrap_tolerant({"literal": "negative for", "category": "NEGATED_EXISTENCE"})
    assert rule["pattern"] == [{"LOWER": "negative"}, {"IS_SPACE": True, "OP": "*"}, {"LOWER": "for"}]
    kept = wrap_tolerant({"literal": "was negative", "metadata": {"line_breaks": False}})
    assert "pattern" not in kept


def test_pipeline_and_qualify_agree(nlp):
    text = "There is no documented weakness. Reflexes are 2+. No spinal stenosis."
    doc = nlp(text)
    spans = [(s.start_char, s.end_char) for s in doc.spans["concepts"]]
    assert spans
    q = iro_evidence.qualify(text, spans)
    for span, flags in zip(doc.spans["concepts"], q, strict=True):
        assert {k: getattr(span._, f"is_{k}") for k in ASSERTION_FLAGS} == flags


@pytest.mark.parametrize(
    "marked",
    [
        # neither ... nor
        "Neither [[murmurs|negated]] nor [[gallops|negated]] were heard.",
        "The smear showed neither [[schistocytes|negated]] nor [[blasts|negated]].",
        "She had neither [[fever|negated]] nor [[rigors|negated]] on admission.",
        # gone: resolved, disappeared, subsided; resolution of
        "His [[shortness of breath|negated]] resolved and he went home.",
        "The [[headache|negated]] subsided after two days.",
        "The [[rash|negated]] had disappeared by the next visit.",
        "Follow-up imaging showed complete resolution of the [[effusion|negated]].",
        # excluded, free from, not detected any
        "A CT scan excluded [[pulmonary embolism|negated]].",
        "Exclusion of [[infection|negated]] was the first step.",
        "He remained free from [[seizures|negated]] for a year.",
        "The examiners had not detected any [[murmur|negated]] before.",
        "We did not find any [[lymphadenopathy|negated]].",
        # other than ends a negation
        "She denied any [[trauma|negated]] other than a [[fall|-]] from bed.",
        "No [[complaints|negated]] other than [[fatigue|-]].",
        "No [[lesions|negated]] were seen other than a small [[cyst|-]].",
    ],
)
def test_negation_families(marked):
    check(marked, "general")


@pytest.mark.parametrize(
    "marked",
    [
        # a new clause ends a cue's scope in general text
        "She did not develop [[ototoxicity|negated]] and was discharged home [[asymptomatic|-]].",
        "The patient had no [[fever|negated]] and was [[alert|-]] at discharge.",
        "The CT showed no [[bleeding|negated]] while the EEG revealed diffuse [[slowing|-]].",
        "There was no [[effusion|negated]], while a small [[nodule|-]] was seen.",
    ],
)
def test_clause_ends_scope(marked):
    check(marked, "general")


@pytest.mark.parametrize(
    "marked",
    [
        "He was treated for a suspicion of [[pulmonary embolism|possible]].",
        "The biopsy raised the possibility of a [[sarcoma|possible]].",
        "There is no high clinical suspicion of [[sepsis|negated]].",
        "Hyperechoic plexuses, suggesting an earlier [[haemorrhage|possible]].",
        "The pattern suggests primary [[hyperparathyroidism|possible]].",
        # a denied hedge is a negation
        "The records raise no suspicion of [[tumor|negated]] or [[infection|negated]].",
        "There were no upper motor neuron signs to suggest [[myelopathy|negated]].",
        "Without suspicion for [[malignancy|negated]], no biopsy was done.",
        "There are no findings suggestive of [[radiculopathy|negated]].",
        "No imaging findings suspicious for [[malignancy|negated]].",
        "Without signs concerning for [[infection|negated]], he went home.",
    ],
)
def test_hedge_families(marked):
    check(marked, "general")


@pytest.mark.parametrize(
    "marked",
    [
        # a causal clause ends a cue's scope ("as the ..."), as medspaCy's "because", "since"
        "The MRI did not document any [[impingement|not_documented]] as the claimant had "
        "a 2 mm [[protrusion|-]].",
        "No [[fracture|negated]] was found, as the [[swelling|-]] was soft tissue only.",
        "There was no [[infection|negated]] as he had a [[sterile effusion|-]].",
    ],
)
def test_causal_clause_ends_scope(marked):
    check(marked, "letter")


@pytest.mark.parametrize(
    "marked,profile",
    [
        ("There was no history of [[seizures|negated,historical]].", "general"),
        ("She has no history of [[diabetes|negated,historical]] or [[asthma|negated,historical]].", "general"),
        ("No history of [[trauma|negated,historical]] was reported.", "general"),
        ("The patient had no prior history of [[back surgery|negated,historical]].", "general"),
        # letters keep negation alone (their conflict order clears historical)
        ("The claimant has no history of [[lumbar surgery|negated]].", "letter"),
        ("There is no history of [[fracture|negated]] in the records reviewed.", "letter"),
    ],
)
def test_no_history_of_is_negated_past_history(marked, profile):
    """'no history of X': X is denied, and (in general text) it is past history, as
    MACCROBAT annotates it; the negation cue is 'no', the history cue 'history'."""
    check(marked, profile)
