# ruff: noqa: E501  (letter text in test data reads better unwrapped)
"""Dates: formats, two-digit pivot, masks, roles, ranges and the documents they date."""

import json

import pytest
from iro_evidence.rows import doc_rows

CASES = [
    ("DATE OF REVIEW: Feb/16/2012", "2012-02-16", "review"),
    ("Date notice sent to all parties: 04/21/16", "2016-04-21", "review"),
    ("MRI lumbar spine dated 06/24/11", "2011-06-24", "study"),
    ("seen on March 22, 2012 for follow-up", "2012-03-22", None),
    ("the claimant was seen 22-Mar-2012.", "2012-03-22", None),
    ("Office note of Sept. 3, 2013.", "2013-09-03", "visit"),
    ("The patient is a male whose date of injury is xx/xx/xx.", "redacted", "injury"),
    ("compensable injury of (Date of Injury).", "redacted", "injury"),
    ("sustained a compensable injury on __________ when he fell.", "redacted", "injury"),
    ("Date of Injury: XX/XX/XXXX", "redacted", "injury"),
    ("Date of injury: [redacted]", "redacted", "injury"),
    ("an injury to his lumbar spine on (Date of Injury).", "redacted", "injury"),
    ("His first MRI was in March, 2004.", "2004-03", "study"),
    ("surgery on 10/04/99 was uneventful", "1999-10-04", "surgery"),
    ("injured on 04/09/99 at work", "1999-04-09", "injury"),
    ("The worker is a 52 year old man hurt at work on xx/xx/xx while lifting a crate.", "redacted", "injury"),
    ("She was hurt while unloading a truck on 03/14/12.", "2012-03-14", "injury"),
    ("a fusion in 2008", "2008", "surgery"),
    ("Notice of Independent Medical Review Determination\nDated: 3/14/2014", "2014-03-14", "review"),
    ("Reference ID: MN17-000123\nYear: 2017\nDetermination: Upheld", "2017", "review"),
]


def test_year_only_external_appeal_is_the_review_date(nlp):
    doc = nlp(
        "Reference ID: MN17-000123\nYear: 2017\nType of Review: Medical Necessity\nThe enrollee had surgery in 2015.\n"
    )
    assert doc._.iro_case["review_date"] == "2017"


@pytest.mark.parametrize("text,value,role", CASES)
def test_date_value_and_role(nlp, text, value, role):
    doc = nlp(text)
    dates = list(doc.spans["dates"])
    assert dates, text
    assert dates[0]._.iro["value"] == value
    if role:
        assert dates[0]._.iro["role"] == role


@pytest.mark.parametrize("text,value", [("on 01/02/50", "2050-01-02"), ("on 01/02/51", "1951-01-02")])
def test_two_digit_year_pivot(nlp, text, value):
    doc = nlp(text)
    assert doc.spans["dates"][0]._.iro["value"] == value


def test_invalid_dates_rejected(nlp):
    doc = nlp("Scores were 13/45/11 and 99/99/99.")
    assert list(doc.spans["dates"]) == []


def test_list_of_ur_dates_is_one_document(nlp):
    doc = nlp("Utilization review determinations dated 12/19/11 and 01/04/12.")
    dates = list(doc.spans["dates"])
    assert [d._.iro["value"] for d in dates] == ["2011-12-19", "2012-01-04"]
    assert {d._.iro["role"] for d in dates} == {"utilization_review"}
    assert {d._.iro["document"] for d in dates} == {"Utilization review determinations"}
    assert {tuple(d._.iro["document_offsets"]) for d in dates} == {tuple(dates[0]._.iro["document_offsets"])}


def test_range_links_both_ends(nlp):
    doc = nlp("He attended psychotherapy from 4/20/15 through 7/24/15 with little change.")
    a, b = doc.spans["dates"]
    assert (a._.iro["value"], b._.iro["value"]) == ("2015-04-20", "2015-07-24")
    assert a._.iro["range"] == "start" and b._.iro["range"] == "end"
    assert a._.iro["range_offsets"] == [b.start_char, b.end_char]


def test_label_line_takes_its_own_role(nlp):
    doc = nlp("Date of Injury: 2/11/2012\nIMR Application Received: 2/20/2014\n")
    roles = [d._.iro["role"] for d in doc.spans["dates"]]
    assert roles == ["injury", "appeal"]


def test_record_linked_in_running_text(nlp):
    doc = nlp(
        "An MRI of the lumbar spine dated 5/2/2012 showed a protrusion. The progress report of 1/15/2014 notes pain."
    )
    mri, note = doc.spans["dates"]
    assert mri._.iro["document"] == "MRI of the lumbar spine" and mri._.iro["document_type"] == "study"
    assert note._.iro["document"] == "progress report" and note._.iro["document_type"] == "visit"


def test_injury_date_is_not_a_document_date(nlp):
    doc = nlp(
        "Is Claimant entitled to an EMG/NCV of the right leg for the compensable injury of (Date of Injury)?"
    )
    d = doc.spans["dates"][0]
    assert d._.iro["cue"] == "injury" and "document" not in d._.iro


LINE_LIST = """INFORMATION PROVIDED TO THE IRO FOR REVIEW:
ODG Low Back chapter
Request for IRO dated 03/02/15
Utilization review determinations dated 01/12/15 and 02/03/15
- Office notes Dr. K 10/01/14, 11/05/14
MRI lumbar spine report 08/22/14
Physical therapy notes (12 visits) dated 09/01/14 to
  10/15/14

PATIENT CLINICAL HISTORY SUMMARY
The claimant slipped on ice on 07/30/14.
"""


def test_documents_reviewed_line_list(nlp):
    doc = nlp(LINE_LIST)
    docs = [(s.label_, s._.iro["document"], s._.iro["dates"]) for s in doc.spans["documents"]]
    assert docs == [
        ("guideline", "ODG Low Back chapter", []),
        ("appeal", "Request for IRO", ["2015-03-02"]),
        ("utilization_review", "Utilization review determinations", ["2015-01-12", "2015-02-03"]),
        ("visit", "Office notes Dr. K", ["2014-10-01", "2014-11-05"]),
        ("study", "MRI lumbar spine report", ["2014-08-22"]),
        ("therapy", "Physical therapy notes (12 visits)", ["2014-09-01", "2014-10-15"]),
    ]


def test_documents_reviewed_flattened_list(nlp):
    text = (
        "INFORMATION PROVIDED TO THE IRO FOR REVIEW\n\nOfficial Disability Guidelines Request for IRO dated "
        "01/30/12 Utilization review determinations dated 12/19/11 and 01/04/12 Clinical records dated 04/07/11 "
        "CT myelogram of lumbar spine dated 09/22/11 Letter of appeal dated 01/26/12\n\nCLINICAL HISTORY\nNone."
    )
    doc = nlp(text)
    got = [(s.label_, s._.iro["document"], len(s._.iro["dates"])) for s in doc.spans["documents"]]
    assert got == [
        ("guideline", "Official Disability Guidelines", 0),
        ("appeal", "Request for IRO", 1),
        ("utilization_review", "Utilization review determinations", 2),
        ("visit", "Clinical records", 1),
        ("study", "CT myelogram of lumbar spine", 1),
        ("appeal", "Letter of appeal", 1),
    ]


def test_document_rows_link_their_dates(nlp):
    doc = nlp(LINE_LIST)
    rows = doc_rows(doc, "t")
    by_id = {r["fact_id"]: r for r in rows}
    ur = next(r for r in rows if r["kind"] == "document" and r["value"] == "utilization_review")
    assert ur["date"] == "2015-01-12|2015-02-03"
    for did in ur["date_id"].split("|"):
        date_row = by_id[did]
        assert json.loads(date_row["details"])["document_id"] == ur["fact_id"]
        assert date_row["section"] == "records_reviewed"
    assert all(LINE_LIST[r["start_char"] : r["end_char"]] == r["text"] for r in rows)  # offsets as read


# -- families from issue 13 (paraphrases written for the tests) ---------------------------

BLANK_INJURY = [
    "The worker sustained a compensable neck injury on_________, while stacking boxes.",
    "Petitioner suffered a work-related injury to her knee in________. She then had surgery on May 2, 2003.",
    "The employee, a welder, sustained a compensable low back injury__________. Therapy followed.",
    "He injured his shoulder on____ while lifting a pallet at the warehouse.",
    "She suffered a back injury when moving a heavy cabinet down the hall on________. Treatment followed.",
]


@pytest.mark.parametrize("text", BLANK_INJURY)
def test_blank_glued_to_the_injury_words_is_a_redacted_injury_date(nlp, text):
    assert nlp(text)._.iro_case["injury_date"] == "redacted"


NAME_BLANKS = [
    "The provider billed for therapy given to injured worker ______ (Claimant) in 2002.",
    "Oxymed appealed the IRO decision on equipment provided to _______ (Claimant).",
    "Dr. Smith treated ________ (Claimant) for neck pain after the accident.",
    "The Claimant, ____________, was injured on the job while lifting.",
    "Claimant ________ sustained a compensable injury when he fell.",
]


@pytest.mark.parametrize("text", NAME_BLANKS)
def test_blank_standing_for_a_name_is_no_injury_date(nlp, text):
    assert nlp(text)._.iro_case["injury_date"] is None


INJURY_AFTER = [
    (
        "The judge found the 2014 fusion causally related to the employee's March 3, 2009, work injury.",
        "2009-03-03",
    ),
    (
        "Surgery was linked to the claimant's 06/12/2011 compensable injury by the treating doctor.",
        "2011-06-12",
    ),
    ("The fusion was said to be unrelated to her October 2, 2010 low back injury.", "2010-10-02"),
]


@pytest.mark.parametrize("text,value", INJURY_AFTER)
def test_injury_named_right_after_the_date(nlp, text, value):
    assert nlp(text)._.iro_case["injury_date"] == value


COURT_HEADERS = [
    (
        "SMITH v. ACME CORP.\nCOURT OF APPEALS OF SOMESTATE\nJUNE 4, 2012\nNo. 11-2233\nThe employee appeals.",
        "2012-06-04",
    ),
    (
        "Jones v. State\nSupreme Court of Somestate.\nApril 9, 2009.\nThe claimant appeals the denial of surgery.",
        "2009-04-09",
    ),
    (
        "Opinion\nBOARD No.: 0123\nFiled: January 5, 2001\nREVIEWING BOARD DECISION\nThe employee appeals.",
        "2001-01-05",
    ),
    (
        "Argued May 1, 2010. Decided August 17, 2010. Counsel for the appellant.\nThe plaintiff appeals.",
        "2010-08-17",
    ),
    (
        "STATE SUPREME COURT OF APPEALS FILED JOHN DOE, February 11, 2014 CLERK Claimant Below, Petitioner",
        "2014-02-11",
    ),
]


@pytest.mark.parametrize("text,value", COURT_HEADERS)
def test_court_opinion_filed_or_decided_date_is_the_review_date(nlp, text, value):
    assert nlp(text)._.iro_case["review_date"] == value


def test_utilization_review_dated_is_no_review_date(nlp):
    text = "DECISION AND ORDER\nThe hearing officer decides.\nThe utilization review dated October 25, 2013, denied the CT.\n"
    assert nlp(text)._.iro_case["review_date"] is None


@pytest.mark.parametrize(
    "text",
    [
        "DECISION AND ORDER\nThis case is decided under Chapter 410.\nIs the Claimant entitled to Soma on July 1, 2011 for the compensable injury?\n",
        "DECISION AND ORDER\nThe Hearing Officer finds that prescriptions dated 03/04/2012 are not medically necessary.\n",
        "DECISION AND ORDER\nA contested case hearing was opened, and the request of May 5, 2014 was reviewed.\n",
    ],
)
def test_hearing_decision_date_inside_a_sentence_is_not_the_decision_date(nlp, text):
    assert nlp(text)._.iro_case["review_date"] is None


@pytest.mark.parametrize(
    "text,value",
    [
        (
            "On August 3, 2011, Mr. Smith was working as a roofer on a school building in a small town, when he fell from a ladder.",
            "2011-08-03",
        ),
        (
            "On 04/05/2012, Ms. Lee was stocking shelves at a grocery store on the north side of the city, when she slipped on a wet floor.",
            "2012-04-05",
        ),
        (
            "On June 1, 2015, Dr. Brown's patient, a carpenter, was framing a wall at a new house for his employer, when he twisted his back.",
            "2015-06-01",
        ),
    ],
)
def test_injury_story_with_a_title_before_the_name(nlp, text, value):
    assert nlp(text)._.iro_case["injury_date"] == value


@pytest.mark.parametrize(
    "text",
    [
        "Doe v. Roe\nCommonwealth Court of Somestate\nArgued March 2, 2011\nThe claimant appeals.",
        "DECISION AND ORDER\nThe Hearing Officer reviewed the MRI Dated 3/4/2011 and the records.",
        "The carrier filed a request for hearing on March 3, 2010, and the claimant appeals.",
    ],
)
def test_argued_dated_or_filed_in_prose_is_no_decision_date(nlp, text):
    assert nlp(text)._.iro_case["review_date"] is None


@pytest.mark.parametrize(
    "text,value",
    [
        ("Opinion\nNo. S-12-0345.\n05-06-2013\nRepresenting Appellant: a lawyer.", "2013-05-06"),
        ("Opinion\nNo. WC09-118\nJune 2, 2009\nThe employee appeals.", "2009-06-02"),
        ("Opinion\nCase AB-2011-77\n2/3/2012\nThe claimant appeals the denial.", "2012-02-03"),
        (
            "WORKERS' COMPENSATION COURT OF APPEALS MAY 9, 2008 No. WC07-001 The employee appeals.",
            "2008-05-09",
        ),
    ],
)
def test_decision_date_right_after_a_docket_number_or_court(nlp, text, value):
    assert nlp(text)._.iro_case["review_date"] == value


def test_commission_in_prose_before_a_date_is_no_court_header(nlp):
    text = "Reimbursement was denied by the Texas Workers' Compensation Commission (TWCC) on July 11, 2002."
    assert nlp(text)._.iro_case["review_date"] is None


# -- formats and labels of issue 13 (wave 2; paraphrases written for the tests) -----------
FORMAT_FAMILIES = [
    # year first: ISO and its kin, never the year alone
    ("MRI lumbar spine dated 2019-08-28 showed a bulge.", "2019-08-28", "study"),
    ("Date of injury: 2018/06/14", "2018-06-14", "injury"),
    ("DATE OF REVIEW: 2021.03.17", "2021-03-17", "review"),
    # dotted US order
    ("Date of review ........ 03.17.2021", "2021-03-17", "review"),
    ("He was injured on 06.14.18 at the plant.", "2018-06-14", "injury"),
    ("An MRI dated 8.28.2019 was read as normal.", "2019-08-28", "study"),
    # one-digit parts with a two-digit year where a date stands (issue 13, z family)
    ("Date of injury: 4.7.18", "2018-04-07", "injury"),
    ("The MRI of 9.3.20 shows a small protrusion.", "2020-09-03", "study"),
    ("He was hurt lifting boxes on 12.1.19 at the store.", "2019-12-01", "injury"),
    # masks: ISO-shaped and bracketed notes
    ("Date of injury: XXXX-XX-XX", "redacted", "injury"),
    ("Injury date ........ [DOI redacted]", "redacted", "injury"),
    ("She was injured on [date of injury removed] while lifting.", "redacted", "injury"),
    # a weekday before the date is part of it
    ("Date of Review: Thursday, March 12, 2020", "2020-03-12", "review"),
    ("She was injured on Monday, June 14, 2021 at the warehouse.", "2021-06-14", "injury"),
    ("She was seen in the office on Tue. March 3, 2020.", "2020-03-03", "visit"),
    # no comma, abbreviated month with dashes
    ("Date of injury: April 6 2020", "2020-04-06", "injury"),
    ("DATE: Feb-03-2023 review of the request", "2023-02-03", None),
    ("CT scan dated 3 Aug 2023 showed a healed fracture.", "2023-08-03", "study"),
    # the legal form
    ("Signed this 3rd day of October, 2014.", "2014-10-03", None),
    ("The claimant was injured on the 21st day of March 2012 while at work.", "2012-03-21", "injury"),
    ("Date of Review: the 2nd day of May, 2019", "2019-05-02", "review"),
    ("He was injured on or about the 14th of June 2018 at the plant.", "2018-06-14", "injury"),
    ("The MRI was done on the 3rd of August, 2023.", "2023-08-03", None),
    ("Claimant was seen in the office the 1st of May 2017.", "2017-05-01", "visit"),
]


@pytest.mark.parametrize("text,value,role", FORMAT_FAMILIES)
def test_date_format_families(nlp, text, value, role):
    test_date_value_and_role(nlp, text, value, role)


@pytest.mark.parametrize(
    "text",
    [
        "The IRO case number is 2021-0417-03.",
        "See section 5.1.2 of the guideline.",
        "Dose 10.5 mg twice daily.",
        "See section 1.2.15 of the guideline.",
        "Version 3.4.19 of the software was used.",
    ],
)
def test_numbers_that_look_like_year_first_or_dotted_dates_are_none(nlp, text):
    doc = nlp(text)
    assert [
        d._.iro["value"] for d in doc.spans["dates"] if d._.iro["format"] in ("ymd", "dotted", "dotted_short")
    ] == []


ROLE_FAMILIES = [
    ("DOR: 10 October 2024", "review"),
    ("D.O.R. 03/17/2021", "review"),
    ("Case 42 DOR 2021-03-17", "review"),
    ("Date of IRO Review: 03/17/2021", "review"),
    ("Date of Independent Review: March 17, 2021", "review"),
    ("Date of the independent medical review: 3/17/21", "review"),
    ("Date of Notice of Decision: 03/17/2021", "review"),
    ("Date of notice of IRO decision: 03/17/2021", "review"),
    ("DATE OF NOTICE OF DETERMINATION: 03/17/2021", "review"),
    ("Date Review Completed: 03/17/2021", "review"),
    ("Date review was completed: 03/17/2021", "review"),
    ("DATE REVIEW COMPLETED 03/17/2021", "review"),
    ("D.O.I.: 11/8/2021", "injury"),
    ("D.O.I. 11/8/2021", "injury"),
    ("DOI 11/8/2021", "injury"),
    ("She reports injuring her neck on 06/14/2018 in a collision.", "injury"),
    ("He was hurt after injuring his back on 06/14/2018 at work.", "injury"),
    ("The injuries sustained on 06/14/2018 included a wrist fracture.", "injury"),
    ("Date of accident: 06/14/2018", "injury"),
    ("The date of the alleged injury was 06/14/2018.", "injury"),
    ("DATE OF THE ACCIDENT: 06/14/2018", "injury"),
    ("Date Injured: 06/14/2018", "injury"),
    ("DATE INJURED: 06/14/2018", "injury"),
    ("Date injured 06/14/2018", "injury"),
]


@pytest.mark.parametrize("text,role", ROLE_FAMILIES)
def test_role_label_families(nlp, text, role):
    doc = nlp(text)
    assert doc.spans["dates"][0]._.iro["role"] == role


NOT_INJURY_CUES = [
    # "the injured worker" is the patient, not the injury
    "The injured worker was re-examined by the treating doctor on 06/14/2018.",
    "The injured employee had an MRI on 06/14/2018 that showed a small protrusion.",
    "Dr. Patel saw the injured claimant again on 06/14/2018.",
    # what happened to the injury later is no injury date
    "The injury was reported to his supervisor on 06/14/2018.",
    "The carrier disputed the extent of injury in a letter dated 06/14/2018.",
    "His claim for the injury was filed on 06/14/2018.",
]


@pytest.mark.parametrize("text", NOT_INJURY_CUES)
def test_dates_near_injury_words_that_are_no_injury_date(nlp, text):
    doc = nlp(text)
    assert doc.spans["dates"][0]._.iro["role"] != "injury"
    assert doc._.iro_case["injury_date"] is None


@pytest.mark.parametrize(
    "text",
    [
        "Date of Injury (DOI): 06/14/2018",
        "DATE OF INJURY (DOI): June 14, 2018",
        "date of injury (DOI) 2018-06-14",
    ],
)
def test_abbreviation_a_label_defines_is_no_mask(nlp, text):
    assert nlp(text)._.iro_case["injury_date"] == "2018-06-14"


@pytest.mark.parametrize(
    "text",
    [
        "UR decision date: 01/19/2021",
        "Utilization review decision date: 01/19/2021",
        "Carrier decision date: 01/19/2021",
    ],
)
def test_a_prior_reviewers_decision_date_is_no_review_date(nlp, text):
    assert nlp(text)._.iro_case["review_date"] is None


@pytest.mark.parametrize(
    "text,expected",
    [
        # a bracketed word that stands for the masked date
        ("Claimant's injury date: [withheld]", "redacted"),
        ("Date of injury: (masked)", "redacted"),
        ("DOI: <not disclosed>", "redacted"),
        ("Date of injury: [WITHHELD]", "redacted"),
        # words in brackets that are no mask
        ("Date of injury: 06/14/2018 [withheld from the claimant's file: none]", "2018-06-14"),
    ],
)
def test_bracketed_mask_words_are_a_redacted_date(nlp, text, expected):
    assert nlp(text)._.iro_case["injury_date"] == expected
