import pytest

CASES = [
    ("DATE OF REVIEW: Feb/16/2012", "2012-02-16", "review"),
    ("Date notice sent to all parties: 04/21/16", "2016-04-21", "review"),
    ("MRI lumbar spine dated 06/24/11", "2011-06-24", "study"),
    ("seen on March 22, 2012 for follow-up", "2012-03-22", None),
    ("the claimant was seen 22-Mar-2012.", "2012-03-22", None),
    ("The patient is a male whose date of injury is xx/xx/xx.", "redacted", "injury"),
    ("compensable injury of (Date of Injury).", "redacted", "injury"),
    ("sustained a compensable injury on __________ when he fell.", "redacted", "injury"),
    ("His first MRI was in March, 2004.", "2004-03", "study"),
    ("surgery on 10/04/99 was uneventful", "1999-10-04", "surgery"),
]


@pytest.mark.parametrize("text,value,role", CASES)
def test_date_value_and_role(nlp, text, value, role):
    doc = nlp(text)
    dates = list(doc.spans["dates"])
    assert dates, text
    assert dates[0]._.iro["value"] == value
    if role:
        assert dates[0]._.iro["role"] == role


def test_invalid_dates_rejected(nlp):
    doc = nlp("Scores were 13/45/11 and 99/99/99.")
    assert list(doc.spans["dates"]) == []


def test_list_of_ur_dates(nlp):
    doc = nlp("Utilization review determinations dated 12/19/11 and 01/04/12.")
    assert [d._.iro["value"] for d in doc.spans["dates"]] == ["2011-12-19", "2012-01-04"]
    assert {d._.iro["role"] for d in doc.spans["dates"]} == {"utilization_review"}
