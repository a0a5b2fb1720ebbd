"""Each component on its own, the way another project uses it.

The factories come from the installed ``spacy_factories`` entry points: a fresh process
builds ``spacy.blank("en")`` pipelines without importing iro_evidence. Rules survive
``to_disk``/``from_disk`` (a changed rule too), Docs survive a DocBin, and
``nlp.pipe(n_process=2)`` gives the same rows as one process.
"""

import copy
import json
import subprocess
import sys

import pytest
import spacy
from conftest import CORPUS, ROOT
from spacy.tokens import DocBin

# A short letter written for these tests: one fact of each kind.
TEXT = """DATE OF REVIEW: 03/14/2015

DESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:
Right C5-6 anterior cervical discectomy and fusion

DESCRIPTION OF THE QUALIFICATIONS FOR EACH PHYSICIAN OR OTHER HEALTH CARE PROVIDER WHO REVIEWED THE DECISION:
Board certified in Orthopedic Surgery

REVIEW OUTCOME:
Upon independent review, the reviewer finds that the previous adverse determination should be:
[ X ] Upheld (Agree)

PATIENT CLINICAL HISTORY SUMMARY
The patient injured his neck on 02/03/2014. Cervical magnetic resonance imaging (MRI) dated
06/10/2014 showed a 2.5 mm disc protrusion at C5-6 with no spinal stenosis. On examination the
biceps reflex is absent on the right and Spurling's test is positive on the right.
There is no documented weakness. If myelopathy develops, surgery could be reconsidered.

ANALYSIS AND EXPLANATION OF THE DECISION
Per ODG, fusion is not supported without instability. The request is not medically necessary.
"""

# Run in a fresh interpreter (this one, or another venv's): every factory of the installed
# distribution, alone behind the sentence splitter, then all of them in one blank pipeline.
PROBE = r"""
import json, sys
from importlib.metadata import entry_points
import spacy

text = sys.stdin.read()
eps = entry_points(group="spacy_factories")
names = sorted(ep.name for ep in eps if ep.value.startswith("iro_evidence."))
FLAGS = ("negated", "possible", "hypothetical", "historical", "family", "not_documented")

def dump(doc):
    groups = {
        key: [
            {"text": s.text, "label": s.label_, "iro": s._.iro, "attribution": s._.attribution,
             "flags": [f for f in FLAGS if getattr(s._, "is_" + f)]}
            for s in group
        ]
        for key, group in doc.spans.items()
    }
    return {"groups": groups, "case": doc._.iro_case, "sentences": len(list(doc.sents))}

out = {"imported_before": "iro_evidence" in sys.modules, "names": names, "alone": {}, "config": {}}
for name in names:
    nlp = spacy.blank("en")
    if name != "iro_sentences":
        nlp.add_pipe("iro_sentences")
    nlp.add_pipe(name)
    out["alone"][name] = dump(nlp(text))
    out["config"][name] = nlp.get_pipe_meta(name).default_config
order = ["iro_sentences", "iro_sections", "iro_dates", "iro_levels", "iro_measurements", "iro_studies",
         "iro_findings", "iro_exam", "iro_concepts", "iro_assertion", "iro_outcome", "iro_decision"]
nlp = spacy.blank("en")
for name in order + [n for n in names if n not in order]:
    nlp.add_pipe(name)
out["together"] = dump(nlp(text))
out["pipe_names"] = nlp.pipe_names
import iro_evidence
out["module_file"] = iro_evidence.__file__
print(json.dumps(out))
"""


def run_probe(python: str, cwd) -> dict:
    """Run PROBE with ``python`` (a fresh process) and return what it saw."""
    r = subprocess.run(
        [python, "-c", PROBE], input=TEXT, capture_output=True, text=True, cwd=cwd, timeout=300
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def config_pipeline() -> list[str]:
    return spacy.util.load_config(ROOT / "config.cfg")["nlp"]["pipeline"]


def values(group: list[dict], key: str = "value") -> list:
    return [s["iro"][key] for s in group]


def check_probe(out: dict) -> None:
    """What every factory does on TEXT, alone and together (shared with test_fresh_venv)."""
    assert out["imported_before"] is False
    assert set(out["names"]) == set(config_pipeline())
    alone = out["alone"]
    for name, cfg in out["config"].items():
        if name not in ("iro_sentences", "iro_abbreviations"):
            extra = {"profile": "auto"} if name == "iro_assertion" else {}  # its assertion profile
            assert cfg == {"default_patterns": True, **extra}, name
    # headings and blank lines end sentences
    assert alone["iro_sentences"]["sentences"] >= 12
    secs = [s["label"] for s in alone["iro_sections"]["groups"]["sections"]]
    assert secs == ["review_date", "service", "reviewer", "outcome", "clinical_history", "analysis"]
    dates = alone["iro_dates"]["groups"]["dates"]
    assert [(d["iro"]["value"], d["iro"]["role"]) for d in dates][:2] == [
        ("2015-03-14", "review"),
        ("2014-02-03", "injury"),
    ]
    assert set(values(alone["iro_levels"]["groups"]["levels"])) == {"C5-C6"}
    assert values(alone["iro_measurements"]["groups"]["measurements"], "value_mm") == [2.5]
    assert {s["iro"]["type"] for s in alone["iro_studies"]["groups"]["studies"]} == {"MRI"}
    assert values(alone["iro_findings"]["groups"]["findings"], "finding") == ["protrusion", "stenosis"]
    exam = {
        (s["iro"]["sign"], s["iro"]["status"], s["iro"]["side"]) for s in alone["iro_exam"]["groups"]["exam"]
    }
    assert {("reflexes", "absent", "right"), ("spurling", "positive", "right")} <= exam
    assert {"stenosis", "myelopathy", "instability"} <= set(
        values(alone["iro_concepts"]["groups"]["concepts"], "concept")
    )
    assert alone["iro_outcome"]["case"]["outcome"] == "upheld"
    assert alone["iro_decision"]["case"]["guidelines"] == ["ODG"]
    abbr = alone["iro_abbreviations"]["groups"]["abbreviations"]
    assert [(a["text"], a["iro"]["long_form"]) for a in abbr] == [("MRI", "magnetic resonance imaging")]

    together = out["together"]
    assert together["case"]["outcome"] == "upheld"
    assert together["case"]["reviewer_specialty"] == "orthopedic surgery"
    assert together["case"]["injury_date"] == "2014-02-03"
    concepts = {s["iro"]["concept"]: s["flags"] for s in together["groups"]["concepts"]}
    assert concepts["stenosis"] == ["negated"]
    assert concepts["weakness"] == ["not_documented"]
    assert concepts["myelopathy"] == ["hypothetical"]
    (size,) = together["groups"]["measurements"]
    assert (size["iro"]["level"], size["iro"]["study"], size["iro"]["finding"]) == (
        "C5-C6",
        "MRI",
        "protrusion",
    )


def test_every_factory_through_entry_points_without_import(tmp_path):
    out = run_probe(sys.executable, tmp_path)
    check_probe(out)
    assert out["pipe_names"][:2] == ["iro_sentences", "iro_sections"]


RULE_FACTORIES = [n for n in config_pipeline() if n not in ("iro_sentences", "iro_abbreviations")]


@pytest.mark.parametrize("name", RULE_FACTORIES)
def test_rules_round_trip(tmp_path, name):
    import iro_evidence  # noqa: F401  (registers the factories in this process)

    nlp = spacy.blank("en")
    pipe = nlp.add_pipe(name)
    pipe.to_disk(tmp_path / name)
    saved = json.loads((tmp_path / name / "rules.json").read_text("utf-8"))
    assert saved == pipe.rules and saved
    other = spacy.blank("en").add_pipe(name)
    other.rules = {}
    other.from_disk(tmp_path / name)
    assert other.rules == pipe.rules
    again = spacy.blank("en").add_pipe(name).from_bytes(pipe.to_bytes())
    assert again.rules == pipe.rules


def test_changed_rules_are_what_a_saved_component_reloads(tmp_path):
    """A rule added through ``initialize(rules=...)`` is saved with the component and
    replaces (not merges with) the packaged rules when loaded."""
    import iro_evidence  # noqa: F401

    text = "A 3 mm disc bulge at L4-5 above a transitional L6 vertebra; his gait zigzags."

    def run(nlp):
        doc = nlp(text)
        return (
            [s._.iro["value"] for s in doc.spans["levels"]],
            [(s._.iro["sign"], s._.iro["status"]) for s in doc.spans["exam"]],
        )

    nlp = spacy.blank("en")
    levels, exam = nlp.add_pipe("iro_levels"), nlp.add_pipe("iro_exam")
    assert run(nlp) == (["L4-L5"], [])
    level_rules = copy.deepcopy(levels.rules)
    level_rules["max_vertebra"]["L"] = 6  # lumbarized S1: six lumbar vertebrae
    levels.initialize(rules=level_rules)
    exam_rules = copy.deepcopy(exam.rules)
    wobbly = {"sign": "gait", "status": "abnormal", "pattern": r"gait\s+zigzags", "stated": True}
    exam_rules["rules"].insert(0, wobbly)
    exam.initialize(rules=exam_rules)
    changed = (["L4-L5", "L6"], [("gait", "abnormal")])
    assert run(nlp) == changed
    nlp.to_disk(tmp_path / "changed")
    assert spacy.load(tmp_path / "changed").get_pipe("iro_levels").rules == level_rules
    assert run(spacy.load(tmp_path / "changed")) == changed


def letters(n: int) -> list[str]:
    return [p.read_text("utf-8") for p in sorted((CORPUS / "letters").glob("*.txt"))[:n]]


def test_docbin_keeps_span_groups_and_extension_values(nlp):
    from iro_evidence.rows import doc_rows

    docs = list(nlp.pipe(letters(3) + [TEXT]))
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    back = list(DocBin(store_user_data=True).from_bytes(data).get_docs(spacy.blank("en").vocab))
    assert len(back) == len(docs)
    for doc, restored in zip(docs, back):
        assert set(restored.spans) == set(doc.spans)
        # msgpack hands lists back as tuples: the same plain values otherwise
        assert json.dumps(restored._.iro_case) == json.dumps(doc._.iro_case)
        assert doc_rows(restored, "x") == doc_rows(doc, "x")
    flags = [(s.text, s._.is_negated, s._.is_not_documented) for s in back[-1].spans["concepts"]]
    assert ("spinal stenosis", True, False) in flags and ("weakness", False, True) in flags


def test_pipe_with_two_processes_gives_the_same_rows(nlp):
    from iro_evidence.rows import doc_rows

    texts = letters(4)
    one = [doc_rows(d, str(i)) for i, d in enumerate(nlp.pipe(texts))]
    two = [doc_rows(d, str(i)) for i, d in enumerate(nlp.pipe(texts, n_process=2, batch_size=1))]
    assert two == one
    assert sum(len(r) for r in one) > 100
