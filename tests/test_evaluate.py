from iro_evidence.evaluate import score, specialty_match

GOLD = {
    "a": {
        "review_date": "2012-01-01",
        "injury_date": None,
        "outcome": "upheld",
        "reviewer_specialty": "neurological surgery",
        "guidelines": ["ODG"],
        "levels": ["L4-L5", "L5-S1"],
        "studies": [{"type": "MRI", "region": "lumbar", "date": "2011-01-01"}],
        "measurements": [{"value_mm": 2.0, "level": "L4-L5", "finding": "bulge"}],
        "exam": [{"sign": "reflexes", "status": "normal", "side": None}],
        "negated": ["radiculopathy"],
    },
}


def test_known_counts():
    pred = {
        "a": {
            "review_date": "2012-01-02",
            "injury_date": "redacted",
            "outcome": "upheld",
            "reviewer_specialty": "neurosurgeon",
            "guidelines": ["ODG", "ACOEM"],
            "levels": ["L4-L5"],
            "studies": [{"type": "MRI", "region": None, "date": "2011-01-01"}],
            "measurements": [{"value_mm": 2, "level": "L4-L5", "finding": "other"}],
            "exam": [{"sign": "reflexes", "status": "decreased", "side": None}],
            "negated": [],
        }
    }
    c = score(GOLD, pred)
    assert (c["review_date"].tp, c["review_date"].fp, c["review_date"].fn) == (0, 1, 1)
    assert (c["injury_date"].tp, c["injury_date"].fp, c["injury_date"].fn) == (0, 1, 0)
    assert (c["outcome"].tp, c["outcome"].fp) == (1, 0)
    assert c["reviewer_specialty"].tp == 1
    assert (c["guidelines"].tp, c["guidelines"].fp) == (1, 1)
    assert (c["levels"].tp, c["levels"].fn) == (1, 1)
    assert c["studies"].tp == 1  # region is not part of the key
    assert c["measurements"].tp == 1  # finding is not part of the key
    assert (c["exam"].fp, c["exam"].fn) == (1, 1)
    assert c["negated"].fn == 1 and c["negated"].recall == 0.0


def test_missing_case_predicts_nothing():
    c = score(GOLD, {})
    assert c["levels"].fn == 2 and c["levels"].tp == 0


def test_specialty_synonyms():
    assert specialty_match("anesthesiologist", "anesthesiology")
    assert specialty_match("physiatrist", "physical medicine and rehabilitation")
    assert not specialty_match("orthopedic surgery", "anesthesiology, pain management")
