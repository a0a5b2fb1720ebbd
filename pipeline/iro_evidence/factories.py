"""Every spaCy factory of iro-evidence. The ``spacy_factories`` entry points point here,
so ``nlp.add_pipe("iro_levels")`` works in any project once the package is installed.

Imports stay light: spaCy imports this module whenever a pipeline names one of our
factories. Each factory takes ``default_patterns``: load the packaged rule file (True) or
start empty and receive rules through ``initialize``/``from_disk``.
"""

from spacy.language import Language

from .components import extensions  # noqa: F401  (registers the extension attributes)
from .components.abbreviations import AbbreviationFinder
from .components.assertion import AssertionDetector
from .components.concepts import ConceptMatcher
from .components.dates import DateMatcher
from .components.decision import DecisionFacts
from .components.exam import ExamMatcher
from .components.findings import FindingLinker
from .components.levels import LevelMatcher
from .components.measurements import MeasurementMatcher
from .components.outcome import OutcomeDetector
from .components.sections import SectionDetector
from .components.sentences import LineSentencizer
from .components.studies import StudyMatcher

RULES = {"default_patterns": True}


@Language.factory("iro_sentences", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> LineSentencizer:
    return LineSentencizer(nlp, name)


@Language.factory("iro_sections", assigns=["doc.spans"], default_config=RULES)
def make_sections(nlp: Language, name: str, default_patterns: bool) -> SectionDetector:
    return SectionDetector(nlp, name, default_patterns)


@Language.factory("iro_dates", assigns=["doc.spans"], requires=["token.is_sent_start"], default_config=RULES)
def make_dates(nlp: Language, name: str, default_patterns: bool) -> DateMatcher:
    return DateMatcher(nlp, name, default_patterns)


@Language.factory("iro_levels", assigns=["doc.spans"], default_config=RULES)
def make_levels(nlp: Language, name: str, default_patterns: bool) -> LevelMatcher:
    return LevelMatcher(nlp, name, default_patterns)


@Language.factory("iro_measurements", assigns=["doc.spans"], default_config=RULES)
def make_measurements(nlp: Language, name: str, default_patterns: bool) -> MeasurementMatcher:
    return MeasurementMatcher(nlp, name, default_patterns)


@Language.factory("iro_studies", assigns=["doc.spans"], default_config=RULES)
def make_studies(nlp: Language, name: str, default_patterns: bool) -> StudyMatcher:
    return StudyMatcher(nlp, name, default_patterns)


@Language.factory("iro_findings", assigns=["doc.spans"], default_config=RULES)
def make_findings(nlp: Language, name: str, default_patterns: bool) -> FindingLinker:
    return FindingLinker(nlp, name, default_patterns)


@Language.factory("iro_exam", assigns=["doc.spans"], default_config=RULES)
def make_exam(nlp: Language, name: str, default_patterns: bool) -> ExamMatcher:
    return ExamMatcher(nlp, name, default_patterns)


@Language.factory("iro_concepts", assigns=["doc.spans"], default_config=RULES)
def make_concepts(nlp: Language, name: str, default_patterns: bool) -> ConceptMatcher:
    return ConceptMatcher(nlp, name, default_patterns)


@Language.factory(
    "iro_assertion",
    assigns=["span._.is_negated", "span._.attribution"],
    default_config={**RULES, "profile": "auto"},
)
def make_assertion(nlp: Language, name: str, default_patterns: bool, profile: str) -> AssertionDetector:
    """``profile``: "general" (clinical text), "letter" (review letters: the general rules
    plus the letter rules) or "auto" (by genre, per Doc)."""
    return AssertionDetector(nlp, name, default_patterns, profile)


@Language.factory("iro_outcome", assigns=["doc._.iro_case", "doc.spans"], default_config=RULES)
def make_outcome(nlp: Language, name: str, default_patterns: bool) -> OutcomeDetector:
    return OutcomeDetector(nlp, name, default_patterns)


@Language.factory("iro_decision", assigns=["doc._.iro_case", "doc.spans"], default_config=RULES)
def make_decision(nlp: Language, name: str, default_patterns: bool) -> DecisionFacts:
    return DecisionFacts(nlp, name, default_patterns)


@Language.factory("iro_abbreviations", assigns=["doc.spans"])
def make_abbreviations(nlp: Language, name: str) -> AbbreviationFinder:
    return AbbreviationFinder(nlp, name)
