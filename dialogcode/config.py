"""dialogcode.yaml: the study configuration, validated as a whole.

Every unknown key, wrong type or bad value is reported at once with its line.
"""
from __future__ import annotations

import codecs
import difflib
from pathlib import Path
from typing import Literal, get_args

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, field_validator,
                      model_validator)

from .errors import ConfigError, Problem
from .limits import Limits
from .yamlsrc import LineDict, line_of, load_yaml

# A speaker's role (dialogcode/roles.py): exemplar quotes take staff's words last.
Role = Literal["facilitator", "coach", "evaluator", "participant"]

CONFIG_NAME = "dialogcode.yaml"
MAX_SEGMENT_CHARS = 1_000_000   # spaCy's own limit on one text (docs/limits.md)


class Columns(BaseModel):
    """Column names of tabular transcripts (CSV, XLSX, JSON, Word tables)."""

    model_config = ConfigDict(extra="forbid")
    speaker: str | None = None
    text: str | None = None
    start: str | None = None
    end: str | None = None


Semantic = Literal["lsa", "wordllama", "spacy", "none"]   # learn: semantic (dialogcode.semantic)


class LearnSettings(BaseModel):
    """The ``learn:`` keys: how learned coding is trained and when it may code."""

    model_config = ConfigDict(extra="forbid")
    min_precision: float = Field(default=0.75, gt=0, le=1)
    threshold: Literal["precision", "f1"] = "precision"   # how each code's cut is chosen
    min_positives: int = Field(default=8, ge=2)
    coders: list[str] | None = None
    semantic: Semantic = "lsa"
    folds: int = Field(default=5, ge=2, le=20)
    reference: str | None = None   # coder `run` evaluates against (dialogcode evaluate)


class CoderSettings(BaseModel):
    """One entry of ``coders:``: the codes a coder looked for (docs/review.md, coders who
    looked for some codes only); a code listed brings its sub-codes."""

    model_config = ConfigDict(extra="forbid")
    codes: list[str] = Field(min_length=1)


class PrivacySettings(BaseModel):
    """The ``privacy:`` keys: the residual-identifier gate (docs/privacy.md)."""

    model_config = ConfigDict(extra="forbid")
    gate: Literal["mask", "strict", "off"] = "mask"
    model: str | None = None    # pipeline whose `ner` finds names (default: `model`)

    @field_validator("gate", mode="before")
    @classmethod
    def _off(cls, value):
        return "off" if value is False else value   # YAML reads a bare `off` as false


class EngineSettings(BaseModel):
    """The ``engine:`` keys: where ingest and coding run (docs/scale.md). A bare name
    (``engine: dask-local``) is read as ``kind``."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["local", "dask", "dask-local"] = "local"
    scheduler: str | None = None      # dask: the scheduler's address, tcp://host:8786
    workers: int = Field(default=2, ge=1, le=512)    # dask-local: LocalCluster workers
    partition_mb: float = Field(default=4.0, gt=0)   # transcript megabytes per task
    # segments from which `run` counts the evidence tables with Dask group-bys
    dask_tables_from: int = Field(default=1_000_000, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _bare_name(cls, value):
        return {"kind": value} if isinstance(value, str) else value


class Config(BaseModel):
    """The keys of dialogcode.yaml (documented in the file ``dialogcode init`` writes)."""

    model_config = ConfigDict(extra="forbid")
    title: str = "Untitled study"
    transcripts: str = "transcripts"
    manifest: str | None = "manifest.csv"
    codebooks: list[str] = Field(default_factory=lambda: ["codebooks/*.yaml"])
    unit: Literal["turn", "sentence", "section"] = "turn"
    max_segment_chars: int = Field(default=MAX_SEGMENT_CHARS, ge=1_000, le=MAX_SEGMENT_CHARS)
    model: str = "blank"
    encoding: str = "utf-8"
    columns: Columns = Field(default_factory=Columns)
    speakers: list[str] = Field(default_factory=list)   # labels that are always speakers
    merge_turns: bool = True       # consecutive table rows of one speaker become one turn
    # turn times (plain text, Word, tables): offsets, or clock (times of day); None: by them
    turn_times: Literal["offsets", "clock"] | None = None
    code_preamble: bool = False    # code and quote preambles and headings as well
    lessons: str | None = "lessons.yaml"
    min_segments: int = Field(default=20, ge=1)   # fewer in a phase: "small numbers"
    speaker_roles: dict[str, Role] = Field(default_factory=dict)   # label pattern -> role
    final_coders: list[str] | None = None
    coders: dict[str, CoderSettings] = Field(default_factory=dict)   # coder -> codes sought
    learn: LearnSettings = Field(default_factory=LearnSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    limits: Limits = Field(default_factory=Limits)   # docs/limits.md
    engine: EngineSettings = Field(default_factory=EngineSettings)   # docs/scale.md
    output: str = "out"

    @field_validator("speaker_roles", mode="before")
    @classmethod
    def _roles_in_any_case(cls, value):
        """Labels as text (a YAML ``1:`` is the label "1"), roles in any case, as the
        manifest's column takes them."""
        if not isinstance(value, dict):
            return value
        return {str(label): role.strip().lower() if isinstance(role, str) else role
                for label, role in value.items()}

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value


def _models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds (``list[Near]``, ``Term | str`` ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _unknown_key(model: type[BaseModel] | None, loc: tuple) -> str:
    """"unknown key", with the key meant when the name is close to one of its mapping's
    keys (``unti`` -> unit), else the keys that mapping takes."""
    models = [model] if model else []
    for part in loc[:-1]:
        if not isinstance(part, str):
            continue   # a list index
        inner = [m for model in models if part in model.model_fields
                 for m in _models_in(model.model_fields[part].annotation)]
        models = inner or [m for m in models if m.__name__ == part] or models
    keys = sorted({key for model in models for key in model.model_fields})
    if not keys:
        return "unknown key"
    close = difflib.get_close_matches(str(loc[-1]), keys, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    return f"unknown key; the keys here are {', '.join(keys)}"


def _other_branch(error: dict, given, errors: list[dict]) -> bool:
    """Whether ``error`` only says that the mapping ``given`` is not the text of a
    ``str | Term`` union while the Term branch reports what is wrong in it (a misspelt
    key): the union's tag ends its loc, and another error goes deeper than that tag."""
    *prefix, tag = error["loc"]
    return (error["type"].endswith("_type") and isinstance(given, dict)
            and tag not in given
            and any(len(other["loc"]) > len(error["loc"])
                    and list(other["loc"][:len(prefix)]) == prefix for other in errors))


def _one_per_union(errors: list[dict]) -> list[dict]:
    """``errors`` with the two that a value of neither kind of a ``str | Term`` union
    gets (a number, a list or null: not text, and not a mapping) made one."""
    text = {tuple(e["loc"][:-1]) for e in errors
            if e["loc"][-1] == "str" and e["type"] == "string_type"}
    mapping = {tuple(e["loc"][:-1]): str(e["loc"][-1]) for e in errors
               if e["type"] == "model_type" and tuple(e["loc"][:-1]) in text}
    out = []
    for error in errors:
        prefix = tuple(error["loc"][:-1])
        if prefix not in mapping:
            out.append(error)
        elif error["type"] == "string_type":
            out.append({**error, "loc": prefix, "msg": "Input should be text, or a mapping "
                        f"(a {mapping[prefix].lower()} with its keys)"})
    return out


def problems_from_validation(exc: ValidationError, data, source: str,
                             model: type[BaseModel] | None = None) -> list[Problem]:
    """Turn pydantic errors into Problems carrying the line of the offending key; an
    unknown key names the key meant, from ``model`` (the model ``data`` was validated
    as)."""
    problems = []
    errors = _one_per_union(exc.errors())
    for error in errors:
        loc = [part for part in error["loc"]]
        node, line, parent = data, line_of(data), None
        for n, part in enumerate(loc):
            if isinstance(node, dict) and part not in node and n < len(loc) - 1:
                continue     # the branch of a union tried (``Term`` of ``str | Term``)
            found = line_of(node, part)
            line = found or line
            parent, node = node, (node.get(part) if isinstance(node, dict) else (
                node[part] if isinstance(node, list) and isinstance(part, int)
                and part < len(node) else None))
        if _other_branch(error, parent, errors):
            continue
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = _unknown_key(model, tuple(loc))
        problems.append(Problem(message, source, line, ".".join(map(str, loc))))
    return sorted(problems, key=lambda problem: problem.line or 0)


def _staff_message(staff) -> str:
    """What to write instead of the ``staff_speakers:`` of earlier versions."""
    labels = staff if isinstance(staff, list) else [staff]
    pairs = ", ".join(f"'{label}': facilitator" for label in labels)
    return ("staff_speakers: is now speaker_roles:, which gives each speaker label "
            "(pattern) a role: facilitator, coach, evaluator or participant; write "
            f"speaker_roles: {{{pairs}}} instead (Facilitator, Coach, Evaluator... "
            "need no entry)")


def config_line(path: Path, key: str) -> int | None:
    """The line of top-level ``key`` in the config file at ``path``."""
    return line_of(load_yaml(path, ConfigError), key)


def load_config(path: Path) -> Config:
    """Read and validate dialogcode.yaml. Raises ConfigError listing every problem."""
    data = load_yaml(path, ConfigError)
    if data is None:
        data = LineDict()
    if not isinstance(data, dict):
        raise ConfigError("dialogcode.yaml must be a mapping of keys to values", file=path,
                          line=1)
    if "staff_speakers" in data:
        raise ConfigError(_staff_message(data["staff_speakers"]), file=path,
                          line=line_of(data, "staff_speakers"))
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(problems_from_validation(exc, data, str(path), Config)) from None
