"""Every spaCy factory of iro-evidence. The ``spacy_factories`` entry points point here,
so ``nlp.add_pipe("iro_levels")`` works in any project once the package is installed.

Imports stay light: spaCy imports this module (every installed factory module) whenever
any pipeline is created, ``spacy.blank("en")`` in someone else's project too. So each
factory imports its component's module when it is called, and medspaCy's submodules load
without its package ``__init__`` (``medspacy_light``). Each factory takes
``default_patterns``: load the packaged rule file (True) or start empty and receive rules
through ``initialize``/``from_disk``.
"""

from typing import TYPE_CHECKING

from spacy.language import Language

if TYPE_CHECKING:
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


def _components():
    """The components package, with the extension attributes registered and medspaCy's
    submodules ready to import without its ``__init__``."""
    from . import components, medspacy_light
    from .components import extensions  # noqa: F401  (registers the extension attributes)

    medspacy_light.prepare()
    return components


RULES = {"default_patterns": True}


@Language.factory("iro_sentences", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> "LineSentencizer":
    _components()
    from .components.sentences import LineSentencizer

    return LineSentencizer(nlp, name)


@Language.factory("iro_sections", assigns=["doc.spans"], default_config=RULES)
def make_sections(nlp: Language, name: str, default_patterns: bool) -> "SectionDetector":
    _components()
    from .components.sections import SectionDetector

    return SectionDetector(nlp, name, default_patterns)


@Language.factory("iro_dates", assigns=["doc.spans"], requires=["token.is_sent_start"], default_config=RULES)
def make_dates(nlp: Language, name: str, default_patterns: bool) -> "DateMatcher":
    _components()
    from .components.dates import DateMatcher

    return DateMatcher(nlp, name, default_patterns)


@Language.factory("iro_levels", assigns=["doc.spans"], default_config=RULES)
def make_levels(nlp: Language, name: str, default_patterns: bool) -> "LevelMatcher":
    _components()
    from .components.levels import LevelMatcher

    return LevelMatcher(nlp, name, default_patterns)


@Language.factory("iro_measurements", assigns=["doc.spans"], default_config=RULES)
def make_measurements(nlp: Language, name: str, default_patterns: bool) -> "MeasurementMatcher":
    _components()
    from .components.measurements import MeasurementMatcher

    return MeasurementMatcher(nlp, name, default_patterns)


@Language.factory("iro_studies", assigns=["doc.spans"], default_config=RULES)
def make_studies(nlp: Language, name: str, default_patterns: bool) -> "StudyMatcher":
    _components()
    from .components.studies import StudyMatcher

    return StudyMatcher(nlp, name, default_patterns)


@Language.factory("iro_findings", assigns=["doc.spans"], default_config=RULES)
def make_findings(nlp: Language, name: str, default_patterns: bool) -> "FindingLinker":
    _components()
    from .components.findings import FindingLinker

    return FindingLinker(nlp, name, default_patterns)


@Language.factory("iro_exam", assigns=["doc.spans"], default_config=RULES)
def make_exam(nlp: Language, name: str, default_patterns: bool) -> "ExamMatcher":
    _components()
    from .components.exam import ExamMatcher

    return ExamMatcher(nlp, name, default_patterns)


@Language.factory("iro_concepts", assigns=["doc.spans"], default_config=RULES)
def make_concepts(nlp: Language, name: str, default_patterns: bool) -> "ConceptMatcher":
    _components()
    from .components.concepts import ConceptMatcher

    return ConceptMatcher(nlp, name, default_patterns)


@Language.factory(
    "iro_assertion",
    assigns=["span._.is_negated", "span._.attribution"],
    default_config={**RULES, "profile": "auto"},
)
def make_assertion(nlp: Language, name: str, default_patterns: bool, profile: str) -> "AssertionDetector":
    """``profile``: "general" (clinical text), "letter" (review letters: the general rules
    plus the letter rules) or "auto" (by genre, per Doc)."""
    _components()
    from .components.assertion import AssertionDetector

    return AssertionDetector(nlp, name, default_patterns, profile)


@Language.factory("iro_outcome", assigns=["doc._.iro_case", "doc.spans"], default_config=RULES)
def make_outcome(nlp: Language, name: str, default_patterns: bool) -> "OutcomeDetector":
    _components()
    from .components.outcome import OutcomeDetector

    return OutcomeDetector(nlp, name, default_patterns)


@Language.factory("iro_decision", assigns=["doc._.iro_case", "doc.spans"], default_config=RULES)
def make_decision(nlp: Language, name: str, default_patterns: bool) -> "DecisionFacts":
    _components()
    from .components.decision import DecisionFacts

    return DecisionFacts(nlp, name, default_patterns)


@Language.factory("iro_abbreviations", assigns=["doc.spans"])
def make_abbreviations(nlp: Language, name: str) -> "AbbreviationFinder":
    _components()
    from .components.abbreviations import AbbreviationFinder

    return AbbreviationFinder(nlp, name)
