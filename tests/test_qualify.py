"""``iro_evidence.qualify`` on general clinical text, and against medspaCy's default ConText.

The comparison runs both systems in the same run through ``benchmarks/assertion_eval.py``
on the sentence/concept sets in tests/data.
"""

import importlib.util
from pathlib import Path

import iro_evidence
import pytest

ROOT = Path(__file__).resolve().parents[1]
SETS = ["assertion_general.jsonl", "assertion_letters.jsonl"]


def _bench():
    spec = importlib.util.spec_from_file_location("assertion_eval", ROOT / "benchmarks" / "assertion_eval.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _flags(text, word):
    s = text.index(word)
    return {k for k, v in iro_evidence.qualify(text, [(s, s + len(word))])[0].items() if v}


@pytest.mark.parametrize(
    "text,word,expected",
    [
        ("No documented weakness; no spinal stenosis.", "weakness", {"not_documented"}),
        ("No documented weakness; no spinal stenosis.", "spinal stenosis", {"negated"}),
        ("Extremities: no clubbing, cyanosis, or edema.", "edema", {"negated"}),
        ("Chest CT was\nnegative for pulmonary nodules.", "pulmonary nodules", {"negated"}),
        ("Cannot exclude a small pneumothorax.", "pneumothorax", {"possible"}),
        ("CT ordered to rule out appendicitis.", "appendicitis", {"possible"}),
        ("Family history of diabetes.", "diabetes", {"family", "historical"}),
        ("She had pneumonia twice as a child.", "pneumonia", {"historical"}),
        ("Prior stroke with no residual deficits.", "residual deficits", {"negated", "historical"}),
        ("No change in the size of the mass.", "mass", set()),
        (
            "The records fail to establish\nthe presence of radiculopathy.",
            "radiculopathy",
            {"not_documented"},
        ),
    ],
)
def test_qualify_cases(text, word, expected):
    assert _flags(text, word) == expected


def test_qualify_keys_and_errors():
    out = iro_evidence.qualify("No fever.", [(3, 8)])
    assert set(out[0]) == {"negated", "possible", "hypothetical", "historical", "family", "not_documented"}
    with pytest.raises(ValueError):
        iro_evidence.qualify("No fever.", [(9, 9)])


@pytest.mark.parametrize("name", SETS)
def test_at_least_as_good_as_medspacy_default(name):
    path = ROOT / "tests" / "data" / name
    if not path.exists():
        pytest.skip(f"{name} is not in tests/data")
    result = _bench().compare(path)
    ours, base = result["iro_evidence"], result["medspacy_default"]
    assert ours["negated"]["f1"] >= base["negated"]["f1"]
    assert ours["historical"]["f1"] > base["historical"]["f1"]
    assert ours["hypothetical"]["f1"] > base["hypothetical"]["f1"]
    assert ours["not_documented"]["f1"] > 0.8


DISCHARGE = (
    "DISCHARGE SUMMARY\nDIAGNOSIS: pneumonia.\nDISCHARGE INSTRUCTIONS: Take the antibiotics. He has gout.\n"
)
LETTER_OPENING = (
    "The independent review organization (IRO) has reviewed the medical necessity of the requested "
    "lumbar MRI for the claimant.\n"
)


@pytest.mark.parametrize(
    "text,profile,expected",
    [
        (DISCHARGE, "auto", set()),  # a discharge summary gets the general rules
        (LETTER_OPENING + DISCHARGE, "auto", {"hypothetical"}),  # a review letter keeps its own
        (DISCHARGE, "letter", {"hypothetical"}),
        (LETTER_OPENING + DISCHARGE, "general", set()),
    ],
)
def test_profile_by_genre_or_argument(text, profile, expected):
    s = text.index("gout")
    got = iro_evidence.qualify(text, [(s, s + 4)], profile=profile)[0]
    assert {k for k, v in got.items() if v} == expected


def test_profile_setting_of_the_component():
    import spacy
    from iro_evidence import factories  # noqa: F401

    text = "Call if she develops a rash.\nDISCHARGE INSTRUCTIONS: Rest. He has gout."
    flags = {}
    for profile in ("general", "letter"):
        nlp = spacy.blank("en")
        for name in ("iro_sentences", "iro_sections"):
            nlp.add_pipe(name)
        comp = nlp.add_pipe("iro_assertion", config={"profile": profile})
        doc = nlp(text)
        s = text.index("gout")
        flags[profile] = comp.qualify_spans(doc, [doc.char_span(s, s + 4)])[0]["hypothetical"]
    assert flags == {"general": False, "letter": True}
    with pytest.raises(ValueError):
        spacy.blank("en").add_pipe("iro_assertion", config={"profile": "discharge"})
    with pytest.raises(ValueError):
        iro_evidence.qualify("No fever.", [(3, 8)], profile="discharge")


@pytest.mark.skipif(not (ROOT.parent / "shared" / "corpus" / "seed").exists(), reason="../shared is absent")
def test_seed_letter_protrusion_the_mri_documents_is_documented(nlp):
    """The seed letter says no impingement was documented "as" the claimant had a 2.2 mm
    protrusion: the impingement is not documented, the protrusion and its size are (the
    causal clause ends the scope)."""
    seed = ROOT.parent / "shared" / "corpus" / "seed" / "letters"
    for path in sorted(seed.glob("*.txt")):
        doc = nlp(path.read_text("utf-8"))
        sizes = [s for s in doc.spans["measurements"] if s.text.startswith("2.2")]
        protrusions = [s for s in doc.spans["findings"] if "protrusion" in s.text.lower()]
        if not sizes:
            continue
        assert protrusions
        assert not any(s._.is_not_documented for s in sizes + protrusions), path.name
        assert any(s._.is_not_documented for s in doc.spans["concepts"] if "impingement" in s.text)
