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
    assert "services" not in c  # no gold lists services: no row
    assert c["levels"].fn == 2 and c["levels"].tp == 0


def test_specialty_synonyms():
    assert specialty_match("anesthesiologist", "anesthesiology")
    assert specialty_match("physiatrist", "physical medicine and rehabilitation")
    assert not specialty_match("orthopedic surgery", "anesthesiology, pain management")


def _split(services):
    return {"outcome": "partially_overturned", "services": services}


def test_services_found_by_word_overlap_and_same_outcome():
    gold = {
        "a": _split(
            [
                {"service": "MRI of the lumbar spine", "outcome": "overturned"},
                {"service": "EMG/NCV of both legs", "outcome": "upheld"},
            ]
        )
    }
    pred = {
        "a": {
            "services": [
                {"service": "lumbar spine MRI", "outcome": "overturned"},
                {"service": "EMG/NCV of both legs", "outcome": "overturned"},
            ]
        }
    }
    c = score(gold, pred)["services"]
    # the MRI matches (stop words aside); EMG/NCV has the wrong outcome: one miss, one false alarm
    assert (c.tp, c.fp, c.fn) == (1, 1, 1)


def test_services_too_little_overlap_and_one_prediction_per_gold():
    gold = {
        "a": _split(
            [
                {"service": "physical therapy, 8 visits, cervical spine", "outcome": "upheld"},
                {"service": "physical therapy, 8 visits, lumbar spine", "outcome": "upheld"},
            ]
        )
    }
    # 5 shared words of 8 for the cervical one (4 of 9 for the lumbar one); one prediction counts once
    item = "Item 1, physical therapy, 8 visits, cervical"
    pred = {"a": {"services": [{"service": item, "outcome": "upheld"}]}}
    c = score(gold, pred)["services"]
    assert (c.tp, c.fp, c.fn) == (1, 0, 1)
    pred = {"a": {"services": [{"service": "therapy", "outcome": "upheld"}]}}
    c = score(gold, pred)["services"]
    assert (c.tp, c.fp, c.fn) == (0, 1, 2)


def test_services_scored_only_where_gold_lists_them_and_kept_out_of_the_macro():
    from iro_evidence.evaluate import table

    gold = {"a": {"outcome": "upheld"}, "b": _split([])}
    pred = {
        "a": {"services": [{"service": "MRI", "outcome": "upheld"}]},
        "b": {"services": [{"service": "MRI", "outcome": "upheld"}]},
    }
    counts = score(gold, pred)
    assert (counts["services"].tp, counts["services"].fp) == (0, 1)  # only b is scored
    rows = {r["field"]: r for r in table(counts)}
    without = {f: c for f, c in counts.items() if f != "services"}
    assert rows["macro"]["f1"] == {r["field"]: r for r in table(without)}["macro"]["f1"]
    assert rows["services"]["precision"] == 0.0
