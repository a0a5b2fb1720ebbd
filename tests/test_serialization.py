import subprocess
import sys
import textwrap

from conftest import ROOT


def test_saved_pipeline_loads_without_import(tmp_path, nlp):
    nlp.to_disk(tmp_path / "model")
    assert (tmp_path / "model" / "iro_levels" / "rules.json").exists()
    code = textwrap.dedent(f"""
        import sys, spacy
        nlp = spacy.load({str(tmp_path / "model")!r})
        doc = nlp("MRI dated 10/04/11 showed a 2.2 mm protrusion at C5-6 with no stenosis.")
        assert "iro_evidence" in sys.modules  # loaded through the entry points, not by us
        print(sorted(s._.iro["value"] for s in doc.spans["levels"]))
        print([s.text for s in doc.spans["concepts"] if s._.is_negated])
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "['C5-C6']" in r.stdout and "['stenosis']" in r.stdout


def test_docs_pickle_for_multiprocessing(nlp):
    import pickle

    doc = nlp("No documented weakness. MRI dated 10/04/11 showed a 3 mm bulge at L4-5.")
    back = pickle.loads(pickle.dumps(doc))
    assert [s._.iro["value_mm"] for s in back.spans["measurements"]] == [3.0]
    assert [s._.is_not_documented for s in back.spans["concepts"]] == [True]
