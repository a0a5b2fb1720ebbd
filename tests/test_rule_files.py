"""Rule files read as data: each has a schema that stops a misspelt key at load time, and
named parts (``defs``, used as ``(?&name)``) are expanded when the rules are compiled."""

from __future__ import annotations

import copy
import json
from importlib import resources

import iro_evidence  # noqa: F401  (registers the factories)
import pytest
import spacy
from iro_evidence.rules import RuleError, check_rules, expand_defs

PATTERNS = resources.files("iro_evidence.patterns")
RULE_FILES = sorted(p.name for p in PATTERNS.iterdir() if p.name.endswith(".json"))


def exam_signs(nlp, text: str) -> list[tuple[str, str]]:
    doc = nlp(text)
    return [(s._.iro["sign"], s._.iro["status"]) for s in doc.spans["exam"]]


@pytest.fixture
def exam_nlp():
    nlp = spacy.blank("en")
    return nlp, nlp.add_pipe("iro_exam")


@pytest.mark.parametrize("name", RULE_FILES)
def test_every_rule_file_has_a_schema_it_fits(name):
    import jsonschema

    schema_file = PATTERNS.joinpath("schemas").joinpath(name.replace(".json", ".schema.json"))
    schema = json.loads(schema_file.read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    check_rules(json.loads(PATTERNS.joinpath(name).read_text("utf-8")), name, name)


@pytest.mark.parametrize(
    ("name", "where", "bad"),
    [
        ("exam.json", ("rules", 3), "paterns"),
        ("dates.json", (), "range_from"),  # removed: no code read it
        ("decision.json", (), "reviewer_context"),
        ("studies.json", ("triggers",), "befor"),
    ],
)
def test_an_unknown_key_is_an_error_naming_file_and_key(name, where, bad):
    rules = json.loads(PATTERNS.joinpath(name).read_text("utf-8"))
    node = rules
    for step in where:
        node = node[step]
    node[bad] = "x"
    with pytest.raises(RuleError, match=rf"^patterns/{name}: unknown key '{bad}'"):
        check_rules(rules, name, f"patterns/{name}")


def test_a_misspelt_key_names_the_key_it_meant(exam_nlp):
    nlp, exam = exam_nlp
    rules = copy.deepcopy(exam.rules)
    rules["rules"][0]["stated_"] = rules["rules"][0].pop("stated")
    with pytest.raises(RuleError) as err:
        exam.initialize(rules=rules)
    msg = str(err.value)
    assert "initialize()" in msg and "exam.json" in msg
    assert "unknown key 'stated_' at /rules/0 (did you mean 'stated'?)" in msg
    assert "'stated' is a required property" in msg


def test_a_wrong_type_is_an_error():
    rules = json.loads(PATTERNS.joinpath("levels.json").read_text("utf-8"))
    rules["max_vertebra"]["L"] = "six"
    with pytest.raises(RuleError, match=r"levels\.json: /max_vertebra/L: 'six' is not of type 'integer'"):
        check_rules(rules, "levels.json", "levels.json")


def test_a_key_the_component_needs_is_required():
    rules = json.loads(PATTERNS.joinpath("levels.json").read_text("utf-8"))
    del rules["chain_dash"]  # levels.py reads it without a default
    with pytest.raises(RuleError, match=r"levels\.json: /: 'chain_dash' is a required property"):
        check_rules(rules, "levels.json", "levels.json")


def test_an_empty_phrase_list_is_an_error(exam_nlp):
    _, exam = exam_nlp
    rules = copy.deepcopy(exam.rules)
    rules["rules"][0]["pattern"] = []  # would match the empty string everywhere
    with pytest.raises(RuleError, match=r"/rules/0/pattern: \[\] should be non-empty"):
        exam.initialize(rules=rules)


def test_bad_rules_on_disk_and_in_bytes_fail_with_their_source(tmp_path, exam_nlp):
    _, exam = exam_nlp
    exam.to_disk(tmp_path / "iro_exam")
    saved = json.loads((tmp_path / "iro_exam" / "rules.json").read_text("utf-8"))
    saved["side_windw"] = 70
    (tmp_path / "iro_exam" / "rules.json").write_text(json.dumps(saved), encoding="utf-8")
    other = spacy.blank("en").add_pipe("iro_exam")
    said = r"rules\.json .*unknown key 'side_windw' at / \(did you mean 'side_window'\?\)"
    with pytest.raises(RuleError, match=said):
        other.from_disk(tmp_path / "iro_exam")
    with pytest.raises(RuleError, match=r"rules from bytes .*unknown key 'side_windw'"):
        other.from_bytes(json.dumps(saved).encode())


PARAPHRASES = [
    ("Hoffmann sign is positive on the right.", [("hoffmann", "positive")]),
    ("Hoffmann's sign was found to be positive.", [("hoffmann", "positive")]),
    ("Hoffmann signs have been positive bilaterally.", [("hoffmann", "positive")]),
    ("Hoffmann sign was not checked.", []),
]


@pytest.mark.parametrize(("text", "want"), PARAPHRASES)
def test_a_new_sign_takes_one_rule_entry_built_from_named_parts(exam_nlp, text, want):
    nlp, exam = exam_nlp
    rules = copy.deepcopy(exam.rules)
    rules["defs"]["hoffmann"] = r"Hoffmann(?:['’]s)?\s+signs?"
    pattern = r"(?&hoffmann)(?&sp_word){0,3}?\s+(?&copula)\s+positive"
    rule = {"sign": "hoffmann", "status": "positive", "stated": True, "pattern": pattern}
    rules["rules"].insert(0, rule)
    exam.initialize(rules=rules)
    assert [s for s in exam_signs(nlp, text) if s[0] == "hoffmann"] == want
    assert exam.rules["rules"][0]["pattern"] == rule["pattern"]  # kept as written


def test_a_reference_expands_to_the_part_as_a_group():
    defs = {"be": "is|was", "verb": "(?&be)\\s+done", "grouped": "(?:a|b)"}
    rules = {"defs": defs, "p": ["x(?&verb)", "(?&grouped)?"], "_doc": "(?&none)"}
    out = expand_defs(rules)
    assert out == {"p": ["x(?:(?:is|was)\\s+done)", "(?:a|b)?"], "_doc": "(?&none)"}
    assert rules["defs"]  # the rules as written are left alone


def test_an_undefined_or_circular_part_fails_at_load(exam_nlp):
    _, exam = exam_nlp
    rules = copy.deepcopy(exam.rules)
    rules["rules"][0]["pattern"] = r"(?&copulla)\s+intact"
    with pytest.raises(RuleError, match=r"\(\?&copulla\) names no part of 'defs'"):
        exam.initialize(rules=rules)
    rules = copy.deepcopy(exam.rules)
    rules["defs"]["copula"] = r"is|(?&copula)"
    with pytest.raises(RuleError, match=r"'copula' refers to itself"):
        exam.initialize(rules=rules)
    with pytest.raises(RuleError, match=r"names no part"):
        expand_defs({"p": "(?&x)"})  # a file without defs too: never a silent literal


def test_saved_rules_keep_their_defs_and_reload(tmp_path):
    nlp = spacy.blank("en")
    exam = nlp.add_pipe("iro_exam")
    text = "Straight leg raise testing was negative. Deep tendon reflexes are 2+ and symmetric."
    want = exam_signs(nlp, text)
    assert ("straight_leg_raise", "negative") in want and ("reflexes", "normal") in want
    nlp.to_disk(tmp_path / "nlp")
    saved = json.loads((tmp_path / "nlp" / "iro_exam" / "rules.json").read_text("utf-8"))
    assert "copula" in saved["defs"] and any("(?&copula)" in p for r in saved["rules"] for p in r["pattern"])
    reloaded = spacy.load(tmp_path / "nlp")
    assert reloaded.get_pipe("iro_exam").rules == exam.rules
    assert exam_signs(reloaded, text) == want


def test_exam_rules_read_as_short_phrases():
    rules = json.loads(PATTERNS.joinpath("exam.json").read_text("utf-8"))["rules"]
    phrases = [p for r in rules for p in ([r["pattern"]] if isinstance(r["pattern"], str) else r["pattern"])]
    assert max(map(len, phrases)) <= 200
