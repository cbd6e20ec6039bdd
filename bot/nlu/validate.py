"""`rasa data validate` plus the project's own checks on the training data, as findings.

Errors stop training (a text under two intents, an intent the domain does not know, held-out
examples in the training data, Rasa's own errors); warnings are reported so that a new one
stands out: too few examples, entity values the vocabulary does not know, near-duplicates
across intents, intents and responses nothing uses.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.engine.environment import engine_env, rasa_executable
from bot.engine.project import RasaProject
from bot.nlu.reader import read_nlu_file
from bot.nlu.similarity import char_ngrams, normalise
from bot.nlu.training_data import Located, load_examples, read_domain
from bot.vocabulary import Vocabulary

MIN_EXAMPLES = 10
NEAR_DUPLICATE = 0.8
# Entities whose surface text must be a phrase of the vocabulary (the synonyms map it).
VOCABULARY_ENTITIES = ("service", "problem_type", "community", "place")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_RASA_WARNING = re.compile(r"UserWarning: (?P<message>.+)$")
_RASA_ERROR = re.compile(r"\sERROR\s+(?P<logger>\S+)\s+-\s+(?P<message>.+)$")


@dataclass(frozen=True)
class Finding:
    level: str  # "error" | "warning"
    check: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"level": self.level, "check": self.check, "message": self.message}


def rasa_findings(
    project: RasaProject,
    *,
    config: Path | None = None,
    domain: Path | None = None,
    data_dirs: list[Path] | None = None,
) -> list[Finding]:
    """Runs Rasa's own validator in the engine environment (on the project's files, or on a
    snapshot's); its warnings become findings."""
    rasa = rasa_executable(project)
    if not rasa.exists():
        return [Finding("error", "rasa", f"the engine environment is missing ({rasa})")]
    command = [
        str(rasa), "data", "validate",
        "--domain", str(domain or project.domain),
        "--data", *(str(d) for d in (data_dirs or project.data_dirs) if d.is_dir()),
        "--config", str(config or project.config),
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=project.root, env=engine_env(project), capture_output=True, text=True
    )
    return parse_rasa_output(result.stdout + result.stderr, result.returncode)


def parse_rasa_output(output: str, returncode: int) -> list[Finding]:
    findings: list[Finding] = []
    for raw in output.splitlines():
        line = _ANSI.sub("", raw).strip()
        if match := _RASA_WARNING.search(line):
            findings.append(Finding("warning", "rasa", match["message"].strip()))
        elif match := _RASA_ERROR.search(line):
            findings.append(Finding("error", "rasa", match["message"].strip()))
    if returncode != 0 and not any(f.level == "error" for f in findings):
        findings.append(Finding("error", "rasa", f"`rasa data validate` exited with {returncode}"))
    return list(dict.fromkeys(findings))


def project_findings(
    *,
    nlu_dir: Path,
    domain_dir: Path,
    rules_dir: Path,
    code_dirs: list[Path],
    heldout: Path | None,
    vocabulary: Vocabulary | None,
) -> list[Finding]:
    examples = load_examples(nlu_dir)
    domain = read_domain(domain_dir)
    root = nlu_dir.parent
    findings: list[Finding] = []
    counts = Counter(e.example.intent for e in examples)
    for intent, count in sorted(counts.items()):
        if intent not in domain.intents:
            findings.append(
                Finding(
                    "error",
                    "unknown_intent",
                    f"intent {intent} has examples but is not in the domain",
                )
            )
        if count < MIN_EXAMPLES:
            findings.append(
                Finding(
                    "warning",
                    "too_few_examples",
                    f"intent {intent} has {count} examples (at least {MIN_EXAMPLES} wanted)",
                )
            )
    findings += _conflicts(examples, root)
    findings += _near_duplicates(examples, root)
    if vocabulary is not None:
        findings += _unknown_entity_values(examples, vocabulary, root)
    if heldout is not None and heldout.exists():
        held = {normalise(e.text) for e in read_nlu_file(heldout)}
        for located in examples:
            if normalise(located.example.text) in held:
                findings.append(
                    Finding(
                        "error",
                        "heldout_overlap",
                        f"{located.example.text!r} ({_where(located, root)}) is also in the held-out file",
                    )
                )
    references = _referenced_text(rules_dir, code_dirs)
    for intent in domain.intents:
        if intent not in counts and intent not in references:
            findings.append(
                Finding(
                    "warning",
                    "unused_intent",
                    f"intent {intent} has no examples and nothing sends it",
                )
            )
    # A form asks for slot X with utter_ask_X by itself: used though nothing names it.
    asked = {f"utter_ask_{slot}" for slot in domain.slots}
    for response in domain.responses:
        if response not in references and response not in asked:
            findings.append(
                Finding(
                    "warning",
                    "unused_response",
                    f"response {response} is used by no rule, story or action",
                )
            )
    return findings


_RASA_UNUSED_RESPONSE = re.compile(
    r"The utterance '(?P<name>[^']+)' is not used in any story or rule"
)
_RASA_INTENT_WITHOUT_DATA = re.compile(
    r"The intent '(?P<name>[^']+)' is listed in the domain file, but is not found in the NLU"
)


def explain_rasa_warnings(
    findings: list[Finding], *, domain_dir: Path, rules_dir: Path, code_dirs: list[Path]
) -> list[Finding]:
    """Rasa's validator cannot see custom actions: a response an action utters by name, or a
    form's utter_ask_<slot>, is reported as unused; a payload-only intent (sent by buttons and
    bridges) as lacking examples. Those become "info" so a real warning stands out."""
    references = _referenced_text(rules_dir, code_dirs)
    # Buttons in the domain's responses carry payloads such as "/stop_report".
    payloads = references + _referenced_text(domain_dir, [])
    asked = {f"utter_ask_{slot}" for slot in read_domain(domain_dir).slots}
    out = []
    for finding in findings:
        if finding.check == "rasa" and finding.level == "warning":
            unused = _RASA_UNUSED_RESPONSE.search(finding.message)
            if unused and (unused["name"] in references or unused["name"] in asked):
                out.append(
                    Finding("info", "rasa", finding.message + " (used by an action or form)")
                )
                continue
            intent = _RASA_INTENT_WITHOUT_DATA.search(finding.message)
            if intent and f"/{intent['name']}" in payloads:
                out.append(Finding("info", "rasa", finding.message + " (a payload-only intent)"))
                continue
        out.append(finding)
    return out


def _where(located: Located, root: Path) -> str:
    return f"{located.file.relative_to(root)}, {located.example.intent}"


def _conflicts(examples: list[Located], root: Path) -> list[Finding]:
    seen: dict[str, Located] = {}
    findings = []
    for located in examples:
        key = normalise(located.example.text)
        first = seen.setdefault(key, located)
        if first is located:
            continue
        level, check = (
            ("error", "conflict")
            if first.example.intent != located.example.intent
            else ("warning", "duplicate")
        )
        findings.append(
            Finding(
                level,
                check,
                f"{first.example.text!r} ({_where(first, root)}) and {located.example.text!r} "
                f"({_where(located, root)}) are the same text",
            )
        )
    return findings


def _near_duplicates(examples: list[Located], root: Path) -> list[Finding]:
    grams = [char_ngrams(e.example.text) for e in examples]
    findings = []
    for i, a in enumerate(examples):
        for j in range(i + 1, len(examples)):
            b = examples[j]
            if a.example.intent == b.example.intent or not grams[i] or not grams[j]:
                continue
            union = len(grams[i] | grams[j])
            score = len(grams[i] & grams[j]) / union
            if NEAR_DUPLICATE <= score < 1.0:
                findings.append(
                    Finding(
                        "warning",
                        "near_duplicate",
                        f"{a.example.text!r} ({_where(a, root)}) and {b.example.text!r} "
                        f"({_where(b, root)}) are {score:.0%} alike but teach different intents",
                    )
                )
    return findings


def _unknown_entity_values(
    examples: list[Located], vocabulary: Vocabulary, root: Path
) -> list[Finding]:
    known = set(vocabulary.all_terms())
    findings = []
    for located in examples:
        for span in located.example.entities:
            if span.entity in VOCABULARY_ENTITIES and span.text not in known:
                findings.append(
                    Finding(
                        "warning",
                        "entity_not_in_vocabulary",
                        f"[{span.text}]({span.entity}) in {_where(located, root)} is not a phrase "
                        "of bot/data/vocabulary.yml",
                    )
                )
    return findings


def _referenced_text(rules_dir: Path, code_dirs: list[Path]) -> str:
    parts = [p.read_text(encoding="utf-8") for p in sorted(rules_dir.glob("*.yml"))]
    for folder in code_dirs:
        parts += [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.py"))]
    return "\n".join(parts)
