# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Decision facts: review/injury dates, reviewer, guidelines, service; PDF-shaped letters."""

import pytest
from iro_evidence.rows import doc_rows


def case(nlp, text):
    return nlp(text)._.iro_case


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Acme IRO\nDATE OF REVIEW:\nFeb/16/2012\n\nIRO CASE #: 1\n", "2012-02-16"),
        ("Date notice sent to all parties: 08/02/16\n", "2016-08-02"),
        ("1. DATE OF REVIEW: 14-Nov-2016\n", "2016-11-14"),
        ("Date of Review: October 9, 2014\n", "2014-10-09"),
        (
            "Notice of Independent Medical Review Determination\nDated: 3/14/2014\nDate of Injury: 2/11/2012\n",
            "2014-03-14",
        ),
        (
            "At a Glance:\nMarch 6, 2013\n\nDECISION AND ORDER\n\nA contested case hearing was held on March 1, 2013.",
            "2013-03-06",
        ),
        ("DECISION AND ORDER\n\nA contested case hearing was held on March 1, 2013.", None),
        ("202011-139482\n\n2020\n\nHealth Plan\n\nOverturned\n", "2020"),
    ],
)
def test_review_date(nlp, text, expected):
    assert case(nlp, text)["review_date"] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The claimant is a male whose date of injury is 06/14/10.", "2010-06-14"),
        ("He sustained an injury to his lumbar spine on (Date of Injury).", "redacted"),
        ("Claimant was injured on or about __________ at work.", "redacted"),
        (
            "PATIENT CLINICAL HISTORY SUMMARY\nThe claimant is a 55 year-old mechanic who fell from a ladder on\n"
            "08/16/10, landing on his side. He was seen on 08/19/10.",
            "2010-08-16",
        ),
        (
            "PATIENT CLINICAL HISTORY SUMMARY\nOn July 9, 2016 he was pulling cable when it jerked his arm. "
            "He was seen on July 12, 2016.",
            "2016-07-09",
        ),
        ("PATIENT CLINICAL HISTORY SUMMARY\nHe was seen on 03/04/15 for back pain.", None),
    ],
)
def test_injury_date(nlp, text, expected):
    assert case(nlp, text)["injury_date"] == expected


@pytest.mark.parametrize(
    "text,specialty,board",
    [
        (
            "DESCRIPTION OF THE QUALIFICATIONS FOR EACH PHYSICIAN OR OTHER HEALTH CARE PROVIDER WHO REVIEWED THE "
            "DECISION:\nBoard Certified Orthopaedic Surgeon\n\nREVIEW OUTCOME:\n",
            "orthopedic surgery",
            True,
        ),
        (
            "REVIEWER QUALIFICATIONS:\nPhysiatrist, licensed in Texas\n",
            "physical medicine and rehabilitation",
            False,
        ),
        (
            "The physician reviewer, who is board certified in anesthesiology, reviewed the records.",
            "anesthesiology",
            True,
        ),
        (
            "The IRO reviewer, a board certified neurosurgeon, agreed with the denial.",
            "neurological surgery",
            True,
        ),
        (
            "QUALIFICATIONS OF THE REVIEWING PHYSICIAN:\nLicensed in Texas, board certified in orthopedic surgery.\n\nREVIEW OUTCOME:\n",
            "orthopedic surgery",
            True,
        ),
        (
            "QUALIFICATIONS OF THE PHYSICIAN WHO REVIEWED THE DECISION:\nM.D., diplomate of the American Board of Neurological Surgery\n\nREVIEW OUTCOME:\n",
            "neurological surgery",
            True,
        ),
        (
            "The IRO reviewer, who is board certified in pain medicine, upheld the denials.",
            "pain medicine",
            True,
        ),
    ],
)
def test_reviewer(nlp, text, specialty, board):
    doc = nlp(text)
    assert doc._.iro_case["reviewer_specialty"] == specialty
    assert doc.spans["reviewer"][0]._.iro["board_certified"] is board


def test_ur_and_carrier_reviewers_are_not_the_iro_reviewer(nlp):
    ur = (
        "NOTICE OF ADVERSE DETERMINATION\nPhysician Reviewer: Board Certified in Physical Medicine and "
        "Rehabilitation\nYou may request an independent review by an IRO."
    )
    assert case(nlp, ur)["reviewer_specialty"] is None
    hearing = (
        "DECISION AND ORDER\n\nThe carrier's peer reviewer, a physician who is board certified in occupational "
        "medicine, testified."
    )
    assert case(nlp, hearing)["reviewer_specialty"] is None


CHECKLIST = """A DESCRIPTION AND THE SOURCE OF THE SCREENING CRITERIA OR OTHER CLINICAL BASIS FOR THE DECISION:
[   ] ACOEM- AMERICAN COLLEGE OF OCCUPATIONAL & ENVIRONMENTAL MEDICINE UM KNOWLEDGEBASE
[ X ] DWC- DIVISION OF WORKERS COMPENSATION POLICIES OR GUIDELINES
[   ] INTERQUAL CRITERIA
[ X ] MEDICAL JUDGMENT, CLINICAL EXPERIENCE, AND EXPERTISE CONSISTENT WITH ACCEPTED MEDICAL STANDARDS
[   ] MILLIMAN CARE GUIDELINES
[ X ] ODG- OFFICIAL DISABILITY GUIDELINES & TREATMENT GUIDELINES
[   ] TMF SCREENING CRITERIA MANUAL
[ X ] PEER REVIEWED NATIONALLY ACCEPTED MEDICAL LITERATURE (PROVIDE A DESCRIPTION)
[   ] TEXAS GUIDELINES FOR CHIROPRACTIC QUALITY ASSURANCE & PRACTICE PARAMETERS
"""


def test_guidelines_checked_boxes_only(nlp):
    assert case(nlp, CHECKLIST)["guidelines"] == ["DWC", "ODG", "PEER_REVIEWED"]


def test_guidelines_flattened_checklist(nlp):
    text = "Criteria: [ ] ACOEM [X] ODG- OFFICIAL DISABILITY GUIDELINES [ ] INTERQUAL CRITERIA \u2612 TMF SCREENING"
    assert case(nlp, text)["guidelines"] == ["ODG", "TMF"]


def test_evidence_based_medicine_definition_is_no_citation(nlp):
    text = (
        "Texas Labor Code Section 401.011(18-a) defines evidence-based medicine as the use of the current best "
        "quality scientific and medical evidence formulated from credible scientific studies, including "
        "peer-reviewed medical literature and other current scientifically based texts."
    )
    assert case(nlp, text)["guidelines"] == []
    cited = "The IRO relied on the ODG and on peer-reviewed literature on discography."
    assert case(nlp, cited)["guidelines"] == ["ODG", "PEER_REVIEWED"]


@pytest.mark.parametrize(
    "service,types,levels,side,count,cpt",
    [
        (
            "Left L4-5 and L5-S1 transforaminal epidural steroid injection #1 (64483, 64484)",
            ["epidural steroid injection"],
            ["L4-L5", "L5-S1"],
            "left",
            "#1",
            ["64483", "64484"],
        ),
        ("Cervical ESI x3 at C5-6 (62321)", ["epidural steroid injection"], ["C5-C6"], None, "x3", ["62321"]),
        (
            "Chronic pain management program, 80 hours (97799)",
            ["chronic pain program"],
            [],
            None,
            "80 hours",
            ["97799"],
        ),
        (
            "Right knee arthroscopy with partial medial meniscectomy (29881)",
            ["arthroscopy"],
            [],
            "right",
            None,
            ["29881"],
        ),
        ("Anterior cervical discectomy and fusion C5-6", ["fusion", "discectomy"], ["C5-C6"], None, None, []),
        ("Repeat EMG/NCV of the bilateral lower extremities", ["EMG/NCV"], [], "bilateral", None, []),
        (
            "Physical therapy 3 times a week for 4 weeks",
            ["physical therapy"],
            [],
            None,
            "3 times a week for 4 weeks",
            [],
        ),
    ],
)
def test_service_normalized(nlp, service, types, levels, side, count, cpt):
    doc = nlp(f"DESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:\n{service}\n\nREVIEW OUTCOME:\n")
    svc = doc._.iro_case["service"]
    assert (svc["types"], svc["levels"], svc["side"], svc["count"], svc["cpt"]) == (
        types,
        levels,
        side,
        count,
        cpt,
    )


def test_list_of_services_gives_one_row_each(nlp):
    doc = nlp(
        "Description of the Service or Services in Dispute:\na. Work hardening program, 80 hours (97545) "
        "b. Repeat functional capacity evaluation (97750)\n\nREVIEW OUTCOME:\n"
    )
    rows = [r for r in doc_rows(doc, "t") if r["kind"] == "service"]
    assert [(r["text"], r["value"]) for r in rows] == [
        ("Work hardening program, 80 hours (97545)", "work hardening"),
        ("Repeat functional capacity evaluation (97750)", "functional capacity evaluation"),
    ]
    assert doc._.iro_case["service"]["types"] == ["work hardening", "functional capacity evaluation"]


def test_hearing_service_from_the_ruling(nlp):
    text = "The Hearing Officer determines that Claimant is not entitled to a lumbar MRI for the compensable injury."
    assert case(nlp, text)["service"]["text"] == "a lumbar MRI"


PDF_LETTER = (
    "LONE STAR IRO, INC.\n123 Main St, Austin TX\n\n"
    "DATE OF REVIEW: 05/02/2017\n\nDESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:\nRight L5-S1 micro-\ndiscectomy (63030)\n\n"
    "A DESCRIPTION OF THE QUALIFICATIONS FOR EACH PHYSICIAN OR OTHER HEALTH CARE PROVIDER WHO REVIEWED THE\n"
    "DECISION: Board Certified Neuro-\nlogical Surgery\n\nREVIEW OUTCOME:\nUpon independent review the reviewer finds "
    "that the previous adverse\ndetermination should be:\n\n"
    "Page 1 of 3\n\f LONE STAR IRO, INC.\n123 Main St, Austin TX\n\n"
    "[ X ]   Upheld (Agree)\n[   ]   Overturned (Disagree)\n\n"
    "PATIENT CLINICAL HISTORY SUMMARY\nThe claimant?s date of injury is XX/XX/XXXX. He   underwent an MRI of the lumbar "
    "spine dated 01/05/17.\nPage 2 of 3\n\f"
)


def test_pdf_shaped_letter(nlp):
    doc = nlp(PDF_LETTER)
    c = doc._.iro_case
    assert (c["review_date"], c["injury_date"], c["outcome"]) == ("2017-05-02", "redacted", "upheld")
    assert c["reviewer_specialty"] == "neurological surgery"
    assert c["service"]["types"] == ["discectomy"] and c["service"]["side"] == "right"
    rows = doc_rows(doc, "pdf")
    assert rows and all(PDF_LETTER[r["start_char"] : r["end_char"]] == r["text"] for r in rows)
    assert all(r["section"] for r in rows)


def test_flattened_letter(nlp):
    flat = " ".join(PDF_LETTER.replace("\f", " ").split())
    c = case(nlp, flat)
    assert (c["review_date"], c["injury_date"], c["outcome"]) == ("2017-05-02", "redacted", "upheld")


def test_excerpt_cut_mid_word(nlp):
    cut = PDF_LETTER[: PDF_LETTER.index("[ X ]")] + "[ X ]   Uph"
    c = case(nlp, cut)
    assert c["review_date"] == "2017-05-02" and c["outcome"] is None


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "[X] ODG - Official Disability Guidelines\n[X] Peer reviewed, nationally accepted medical literature\n",
            ["ODG", "PEER_REVIEWED"],
        ),
        (
            "Fusion is not supported by the peer-reviewed literature, including the 2014 AANS/CNS fusion guideline update.",
            ["PEER_REVIEWED"],
        ),
        (
            "\u2612 Peer reviewed nationally accepted medical literature (AANS/CNS guideline update, 2014)\n",
            ["PEER_REVIEWED"],
        ),
        ("The surgeon relied on the AANS/CNS guideline for lumbar fusion.", ["OTHER"]),
        (
            "He follows the practice standards published by the International Spine Intervention Society for blocks.",
            ["OTHER"],
        ),
        (
            "The request conforms to the practice guidelines published by the American Pain Society.",
            ["OTHER"],
        ),
    ],
)
def test_society_guidelines_and_literature(nlp, text, expected):
    assert case(nlp, text)["guidelines"] == expected


@pytest.mark.parametrize(
    "text,specialty",
    [
        (
            "The IRO, a board certified neurosurgeon, found no change in the examination.",
            "neurological surgery",
        ),
        (
            "The IRO, an orthopedic surgeon, reviewed the records and denied the request.",
            "orthopedic surgery",
        ),
        ("The IRO's physician reviewer, a board certified neurologist, upheld the denial.", "neurologist"),
        ("The IRO doctor, a psychologist, upheld the previous denial of the program.", "psychologist"),
        ("The IRO reviewer, a licensed chiropractor, agreed with the carrier.", "chiropractor"),
        ("The IRO reviewer, who is a podiatrist, found the orthotics reasonable.", "podiatrist"),
    ],
)
def test_reviewer_in_hearing_decisions_role_nouns_as_written(nlp, text, specialty):
    assert case(nlp, "DECISION AND ORDER\n\n" + text)["reviewer_specialty"] == specialty


@pytest.mark.parametrize(
    "text",
    [
        "The IRO wrote that its reviewer is of the opinion that a neurosurgeon should see him before any surgery.",
        "The IRO reviewer noted that an orthopedic surgeon had recommended the fusion.",
        "The IRO reviewer explained the decision because a neurologist had found no deficit.",
    ],
)
def test_a_specialist_the_iro_reviewer_talks_about_is_not_the_reviewer(nlp, text):
    assert case(nlp, "DECISION AND ORDER\n\n" + text)["reviewer_specialty"] is None


@pytest.mark.parametrize(
    "text,expected",
    [
        # TWCC rules are DWC
        ("TWCC's Medicine Ground Rules define work hardening.", ["DWC"]),
        ("Under the Medicine Ground Rules, the program must be individualized.", ["DWC"]),
        ("The Commission's 1996 Medical Fee Guideline sets the rate.", ["DWC"]),
        # payer criteria, other states' parameters and societies are OTHER
        ("The request was reviewed under the North American Spine Guidelines protocol.", ["OTHER"]),
        ("The plan applied the AIM (Anthem, Inc. Medical) Clinical Guidelines.", ["OTHER"]),
        ("The AIM Guidelines for spine surgery were not met.", ["OTHER"]),
        ("Coverage is governed by the health plan's Policy # 84.", ["OTHER"]),
        ("The judge did not apply the treatment parameters to the fusion.", ["OTHER"]),
        ("The medical treatment parameters limit passive care to twelve weeks.", ["OTHER"]),
        # the literature as the basis
        ("As per Smith et al (2015), fusion outcomes are poor in smokers.", ["PEER_REVIEWED"]),
        ("Jones AB, et al. reported similar results in 2012.", ["PEER_REVIEWED"]),
        ("The criteria used in published literature to date were not met.", ["PEER_REVIEWED"]),
        ("A review of the medical literature does not support the device.", ["PEER_REVIEWED"]),
        ("An article in the Spine Surgery Open Journal reports less pain.", ["PEER_REVIEWED"]),
        ("A study in the Journal of Neurosurgery found no benefit.", ["PEER_REVIEWED"]),
    ],
)
def test_guideline_families_of_hearing_and_external_decisions(nlp, text, expected):
    assert case(nlp, text)["guidelines"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Belbuca 600 mcg film, quantity 60, was denied.",
        "She takes buprenorphine 75 mcg daily.",
        "First, Dr. Hayes pointed out that no pain generator had been identified.",
        "The carrier's expert, Hayes, M.D., testified by telephone.",
        "The Petitioner contests the Texas Medical Foundation, an independent review organization (IRO), and its denial of the MRI.",
        "The Texas Medical Foundation (TMF), an IRO, reviewed the request.",
    ],
)
def test_names_that_are_no_guideline(nlp, text):
    assert case(nlp, text)["guidelines"] == []


@pytest.mark.parametrize(
    "text,specialty",
    [
        (
            "The IRO decision was issued by a physician board certified in physical medicine and rehabilitation.",
            "physical medicine and rehabilitation",
        ),
        ("An orthopedic surgeon reviewed the case for the IRO and denied the request.", "orthopedic surgery"),
        (
            "A board certified anesthesiologist who reviewed the records for the independent review organization upheld the denial.",
            "anesthesiology",
        ),
        ("The IRO decision was signed by a reviewer who is a doctor of chiropractic.", "chiropractic"),
    ],
)
def test_reviewer_named_around_the_iro(nlp, text, specialty):
    assert case(nlp, "DECISION AND ORDER\n\n" + text)["reviewer_specialty"] == specialty


@pytest.mark.parametrize(
    "text",
    [
        "The IRO reviewed the case and Dr. Smith, an orthopedic surgeon, treated the claimant.",
        "The treating orthopedic surgeon appealed the IRO decision.",
        "A neurosurgeon examined the claimant before the IRO review.",
    ],
)
def test_other_doctors_near_the_iro_are_not_its_reviewer(nlp, text):
    assert case(nlp, "DECISION AND ORDER\n\n" + text)["reviewer_specialty"] is None


@pytest.mark.parametrize(
    "text,expected",
    [
        # a name cut by the end of the excerpt counts when what is left names it
        ("The IRO reviewer relied on the Official Di", ["ODG"]),
        ("The reviewer cited the Official Disability Guide", ["ODG"]),
        ("Treatment followed the American College of Occupational and Environmental Med", ["ACOEM"]),
        ("The request was denied under the Official", []),
        ("The Official Records were reviewed. Nothing else was cited.", []),
        # more Texas, other states' and payer criteria
        ("Care exceeded the TWCC Spinal Treatment Guideline.", ["DWC"]),
        ("The judge applied Minn. R. 5221.6200 to the fusion.", ["OTHER"]),
        ("The plan relied on the ACR Appropriateness Criteria for imaging.", ["OTHER"]),
        ("NCCN guidelines do not support the scan.", ["OTHER"]),
    ],
)
def test_truncated_and_further_guideline_names(nlp, text, expected):
    assert case(nlp, text)["guidelines"] == expected


@pytest.mark.parametrize(
    "checklist,expected",
    [
        # boxes before their labels, parentheses for boxes, one item per line
        (
            "CRITERIA:\n(   ) ACOEM- American College\n( X ) Milliman Care Guidelines\n(   ) TMF Screening",
            ["MILLIMAN"],
        ),
        # the same list joined into one line
        (
            "CRITERIA: [ ] ACOEM - American College [X] InterQual Criteria [ ] TMF Screening Criteria",
            ["INTERQUAL"],
        ),
        # boxes after their labels
        (
            "CRITERIA: ACOEM - American College [ ] Milliman Care Guidelines [X] TMF Screening Criteria [ ]",
            ["MILLIMAN"],
        ),
        # a bare X marks an item; the unmarked items are not checked
        (
            "CRITERIA:\nX ODG - Official Disability Guidelines\nX Medical judgment and clinical experience\n"
            "ACOEM - American College\nInterQual Criteria",
            ["ODG"],
        ),
        # a guideline named inside a marked "Other" item counts
        (
            "CRITERIA:\n[ ] InterQual Criteria\n[ X ] Other evidence based, scientifically valid, outcome focused "
            "guidelines: North American Spine Society guideline",
            ["OTHER"],
        ),
        # boxes of another kind in the paragraph do not hide a guideline named in prose
        ("[X] Upheld [ ] Overturned ANALYSIS: The ODG supports the request.", ["ODG"]),
    ],
)
def test_checklist_layouts(nlp, checklist, expected):
    assert case(nlp, checklist)["guidelines"] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Physician reviewer specialty: Orthopaedic Surgery\n\nReview Outcome: upheld.",
            "orthopedic surgery",
        ),
        ("Reviewer Specialty: Neurosurgery. The reviewer is licensed in Texas.", "neurological surgery"),
        (
            "Specialty of the Reviewing Physician\nPhysical Medicine and Rehabilitation (Board Certified); also "
            "certified in Electrodiagnostic Medicine\n\nREVIEW OUTCOME",
            "physical medicine and rehabilitation, electrodiagnostic medicine",
        ),
        (
            "IRO letter.\n\nThe reviewer is a board certified orthopedic surgeon who specializes in sports medicine.",
            "orthopedic surgery, sports medicine",
        ),
        (
            "QUALIFICATIONS OF THE REVIEWER: M.D., Board Certified in Anesthesiology with subspecialty "
            "certification in Pain Medicine.",
            "anesthesiology, pain medicine",
        ),
        (
            "QUALIFICATIONS OF THE REVIEWER: Board certified orthopedic surgeon, fellowship trained in spine surgery.",
            "orthopedic surgery",
        ),
        (
            "Reviewer: The reviewer is board certified in Neurology with added qualification in Pain Medicine.",
            "neurology, pain medicine",
        ),
    ],
)
def test_reviewer_described_in_the_letters_own_words(nlp, text, expected):
    assert case(nlp, text)["reviewer_specialty"] == expected


def test_parts_work_from_the_rules_alone():
    """The guideline and service parts of iro_decision run on plain text, from the rules
    data, with no pipeline (a rule can be tried on a sentence in isolation)."""
    from iro_evidence.components.guidelines import Guidelines
    from iro_evidence.components.service import Services
    from iro_evidence.rules import load_packaged

    rules = load_packaged("decision.json")
    guides = Guidelines(rules)
    codes = lambda text: sorted({c for *_, c in guides.find(text)})  # noqa: E731
    assert codes("Criteria used: [X] ODG guidelines [ ] ACOEM Guidelines [ ] Milliman") == ["ODG"]
    assert codes("Criteria used: ODG [ ] ACOEM Guidelines [X] Milliman [ ]") == ["ACOEM"]
    assert codes("The reviewer relied on the ODG and the ACOEM guidelines.") == ["ACOEM", "ODG"]
    services = Services(rules)
    listed = "a. Work hardening 80 hours b. Repeat FCE c. Lumbar ESI at L4-5"
    items = services.service_items(listed, 0, len(listed))
    assert [listed[s:e] for s, e in items] == ["Work hardening 80 hours", "Repeat FCE", "Lumbar ESI at L4-5"]
    assert (
        services.service_name("Lumbar MRI is not medically necessary and the denial is upheld")
        == "Lumbar MRI"
    )


def test_is_hearing_importable_where_it_always_was():
    from iro_evidence.components import decision, genre

    assert decision.is_hearing is genre.is_hearing
    for text, hearing in [
        ("DECISION AND ORDER\n\nA contested case hearing was held.", True),
        ("The Administrative Law Judge heard the appeal.", True),
        ("Notice of IRO decision: the denial is upheld.", False),
    ]:
        assert genre.is_hearing(text, text.lower()) is hearing


# -- review and injury dates: families of issue 13 (paraphrases written for the tests) ------
MEMO_HEADS = [
    (
        "TO: Texas Department of Insurance\nFROM: Bluebonnet Review\nRE: IRO case BB-23-0261\nDATE: Feb-03-2023\n\nThe claimant, 61, fell at work.",
        "2023-02-03",
    ),
    (
        "To:\t\tCarrier and requestor\nRe:\t\tIndependent review, case 88-1\nDate:\t\t05/19/2023\n\nHISTORY\nA painter.",
        "2023-05-19",
    ),
    (
        "MEMORANDUM\n\nSubject: IRO determination\nDated: 2022-11-30\n\nThe worker strained his back.",
        "2022-11-30",
    ),
    # the letter's own issue / mailing label in its head (issue 13, z family)
    (
        "RIVERBEND REVIEW\n\nIssued: 07/22/2021\nCase no.: RB-21-77\nDOI: 03/02/2020\n\nThe worker, a welder, hurt his neck.",
        "2021-07-22",
    ),
    (
        "IRO LETTER\n\nDate Issued: Aug 9 2022\nOur ref: 22-118\n\nA nurse hurt her back lifting.",
        "2022-08-09",
    ),
    (
        "NOTICE\n\nSent to all parties on: Oct 4 2020\nMatter: 20-W-12\n\nThe claimant slipped on ice.",
        "2020-10-04",
    ),
    (
        "SUMMIT IRO\n\nDate:   7.9.21\nFile:   S-0041\n\nThe claimant fell from a ladder.",
        "2021-07-09",
    ),
]


@pytest.mark.parametrize("text,expected", MEMO_HEADS)
def test_memo_date_line_is_the_review_date_when_none_is_called_so(nlp, text, expected):
    assert case(nlp, text)["review_date"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Records reviewed: Office visit note; Date: 05/19/2023; Dr. Lee.\n\nThe claimant is a painter.",
        "Dr. Lee saw him in clinic. Date: 05/19/2023.\n\nThe claimant is a painter.",
        "TO: Carrier\nRE: case 88-1\nDate of birth: 05/19/1970\n\nThe claimant is a painter.",
    ],
)
def test_a_date_label_inside_a_sentence_or_of_a_birth_is_no_memo_date(nlp, text):
    assert case(nlp, text)["review_date"] is None


def test_memo_date_yields_to_a_date_called_review_date(nlp):
    text = "TO: Carrier\nRE: case 88-1\nDATE: 06/01/2023\nDate of review: 05/19/2023\n\nThe claimant is a painter."
    assert case(nlp, text)["review_date"] == "2023-05-19"


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "PATIENT CLINICAL HISTORY SUMMARY\nOn Jun. 14, 2018, he fell from a ladder while hanging a sign.",
            "2018-06-14",
        ),
        (
            "PATIENT CLINICAL HISTORY SUMMARY\nOn Sept. 3, 2013 she slipped on a wet floor in the kitchen.",
            "2013-09-03",
        ),
        (
            "PATIENT CLINICAL HISTORY SUMMARY\nHe tripped over a hose on Aug. 2, 2019 and landed on his knee.",
            "2019-08-02",
        ),
    ],
)
def test_mechanism_sentence_with_an_abbreviated_month(nlp, text, expected):
    """The dot of "Jun." is the date's own, not the end of a clause."""
    assert case(nlp, text)["injury_date"] == expected


# -- reviewer: a sign-off block, a heading "IRO reviewer's analysis", fellowship before board
# (issue 13, z family; paraphrases written for the tests) ----------------------------------
SIGNOFFS = [
    (
        "The denial is upheld.\n\nElectronically signed\nReviewer 22, M.D.\nOrthopaedic Surgery\nDiplomate, ABOS",
        "orthopedic surgery",
    ),
    (
        "I agree with the carrier.\n\nDigitally signed by the reviewing physician\nAnesthesiology / Pain Medicine - Diplomate, ABA",
        "anesthesiology, pain medicine",
    ),
    (
        "The request is not medically necessary.\n\nSignature on file\nNeurosurgery; FAANS\nLicensed in Texas",
        "neurological surgery",
    ),
]


@pytest.mark.parametrize("text,expected", SIGNOFFS)
def test_reviewer_specialty_in_the_sign_off_block(nlp, text, expected):
    assert case(nlp, text)["reviewer_specialty"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "The UR physician advisor, a neurosurgeon, denied it.\n\nSigned by the utilization review physician advisor, Neurosurgery",
        "The denial is upheld.\n\nSigned: the carrier's peer reviewer, Orthopedic Surgery",
    ],
)
def test_a_carrier_reviewer_signing_is_not_the_iro_reviewer(nlp, text):
    assert case(nlp, text)["reviewer_specialty"] is None


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "IRO REVIEWER'S ANALYSIS\nFusion is the most disputed indication in spine surgery.\n\nREVIEWER\nSpecialty: Orthopedic Surgery (spine)",
            "orthopedic surgery",
        ),
        (
            "The reviewing physician is a fellowship-trained spine surgeon, board certified in neurological surgery.",
            "neurological surgery",
        ),
        (
            "The IRO reviewer, fellowship trained in pain medicine, is board certified in anesthesiology.",
            "anesthesiology",
        ),
    ],
)
def test_reviewer_heading_of_an_analysis_and_fellowship_before_the_board(nlp, text, expected):
    assert case(nlp, text)["reviewer_specialty"] == expected


# -- guidelines: a criteria list marking names "not used"; the CDC opioid guideline (issue 13)
@pytest.mark.parametrize(
    "text,expected",
    [
        ("Criteria: ODG - used; ACOEM - not used; InterQual - not used.", ["ODG"]),
        ("Sources: MCG: not applicable; ODG: used; TMF criteria: N/A", ["ODG"]),
        ("ACOEM was not used. ODG was used for this review.", ["ODG"]),
        (
            "Per ODG and the CDC Guideline for Prescribing Opioids for Chronic Pain, the dose is high.",
            ["ODG", "OTHER"],
        ),
        ("The Centers for Disease Control and Prevention opioid guideline advises tapering.", ["OTHER"]),
        ("The CDC's 2022 clinical practice guideline limits the dose.", ["OTHER"]),
    ],
)
def test_guidelines_not_used_and_cdc(nlp, text, expected):
    assert case(nlp, text)["guidelines"] == expected
