"""What the gate hides and how: :class:`Masker`, built by :func:`masker` from the
findings and decisions, masks findings by their kind's label in table cells, text
that offsets point into by blocks, and withheld documents whole (docs/privacy.md;
:mod:`.gate` applies it to a study's outputs)."""
from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from . import withheld_documents
from .known import DETECTOR, FAMILY, as_family, read_in_capitals, written_as_name
from .matching import findings_pattern
from .readings import READABLE, reads_as_word
from .titles import AFTER_TITLE, TITLED, named_there, titled_forms

LABELS = {"name": "[NAME]", "phone": "[PHONE]", "email": "[EMAIL]", "url": "[URL]",
          "handle": "[HANDLE]", "address": "[ADDRESS]", "zip": "[ZIP]",
          "dob": "[DATE OF BIRTH]", "id": "[ID NUMBER]", "term": "[PLACE OR TERM]"}
WITHHELD = "[DOCUMENT WITHHELD]"
# the detectors that find a name that is also a modal, a month or a colour only where the text
# does not read it as that word (:func:`~.readings.reads_as_word`)
READING_DETECTORS = frozenset({"trigger", "name-list", "speaker", "study-name", TITLED,
                               AFTER_TITLE})
BLOCK = "\u2588"   # one per masked character in text that offsets point into
# columns holding transcript text and speaker labels (`section`: a heading's words;
# `speaker_notes`: ingest's notes, which name speakers; `speaker_roles`: the manifest's
# roles by speaker label); ids and other attributes are left alone
TEXT_COLUMNS = ("quote", "context_before", "context_after", "text", "speaker", "matched",
                "left", "match", "right", "section", "speaker_notes", "speaker_roles")


def _key(text: str) -> str:
    """``text`` composed (NFC), its white space one space: a finding's text however
    written."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class Masker:
    """What to hide: the texts of findings not decided ``keep`` with the label of their
    kind, and the documents decided ``redact-document``; ``kept``, the texts of findings
    decided ``keep`` (and no other), stay as written although another finding differing
    only in case is masked in any case ("EVA" the project kept beside "Eva" masked), or
    a word of ``known`` is masked alone ("Jane Jacobs" kept beside "Jacobs");
    ``readable``, the names that are also a modal or a month, in lower case, that are
    left as written where the text reads them as that word; ``known``, the words of
    names the study knows that only the ``study-name`` detector found, masked only where
    the text writes them as a name, as it found them, and not inside a kept text or a
    ``never`` term (privacy.yaml's ``never:``), where it found none (:meth:`matches`);
    ``roles``, the speaker labels that name a role ("Faith Leader"), shown as written
    wherever they stand (a speaker column, the talk), though a finding ("Faith") is a
    word of one, as the detectors find nothing in them; ``families``, the plurals of
    names that only the ``family`` detector found ("Browns"), masked only after "the",
    where it found them ("the Browns moved"; not "Browns fans"); ``titled``, the
    calendar and compass words that only the ``after-title`` detector found ("West" of
    "Mister West"), masked only after a title or a word of address or before a verb of
    speaking (:func:`~.titles.named_there`; and at the start of a value, which may be
    cut from a longer text anywhere), never elsewhere ("the Upper West Side", "in
    March"); ``surnames``, the words of :attr:`known` that the ``title`` detector found
    ("Baker" of "Officer Baker"), masked opening a sentence too, as a colour is ("Baker
    works here": :func:`~.known.written_as_name`). A name found capitalised is masked
    written in capitals too, read as its title-case form is (:attr:`_capitals`,
    :func:`~.known.read_in_capitals`)."""

    labels: dict[str, str] = field(default_factory=dict)   # finding text -> label
    withheld: frozenset[str] = frozenset()                  # doc_ids
    kept: frozenset[str] = frozenset()
    readable: frozenset[str] = frozenset()
    known: frozenset[str] = frozenset()
    never: tuple[str, ...] = ()                             # privacy.yaml's never: terms
    roles: frozenset[str] = frozenset()
    families: frozenset[str] = frozenset()
    titled: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()

    @property
    def pattern(self) -> re.Pattern | None:
        """Any finding's text where it stands alone (not inside a word), its words
        separated by any white space (a name wrapped over two lines is still found); a
        first name that is no English word (:attr:`_any_case`) in any case."""
        return findings_pattern(self._texts, any_case=self._any_case, kept=self._kept,
                                capitals=self._capitalised)

    @cached_property
    def _any_case(self) -> frozenset[str]:
        """The name findings that are a listed first name and no English word ("Eva",
        not "Mark"): a name however a transcript writes it ("eva", "EVA")."""
        from .words import plain_first_name

        return frozenset(key for key, label in self.labels.items() if label == LABELS["name"]
                         and " " not in key and plain_first_name(key.lower()))

    @cached_property
    def _capitals(self) -> dict[str, str]:
        """The other name findings not all in capitals ("Baker", "Maria Lopez") by their
        text in capitals: masked written in capitals too ("LATER BAKER SAID GO"), where
        the rules of title case read the capitals so (:meth:`matches`)."""
        return {key.upper(): key for key, label in self.labels.items()
                if label == LABELS["name"] and key not in self._any_case
                and not key.isupper()}

    @cached_property
    def _capitalised(self) -> frozenset[str]:
        """The findings of :attr:`_capitals` as found ("Baker")."""
        return frozenset(self._capitals.values())

    @cached_property
    def _kept(self) -> frozenset[str]:
        """The kept texts that a finding masked in any case or in capitals would
        match."""
        lowered = {key.lower() for key in self._any_case}
        return frozenset(key for key in self.kept
                         if key.lower() in lowered or key.upper() in self._capitals)

    @cached_property
    def _texts(self) -> tuple[str, ...]:
        return tuple(sorted(self.labels, key=len, reverse=True))

    @cached_property
    def _first_words(self) -> tuple[dict[str, list[int]], list[int]]:
        """The positions in :attr:`_texts` of the findings by the word each starts with
        (its leading run of word characters, in lower case and composed, NFC), and of
        those starting with another character."""
        by_word: dict[str, list[int]] = {}
        others = []
        for i, text in enumerate(self._texts):
            first = _WORD.match(unicodedata.normalize("NFC", text))
            if first is None:
                others.append(i)
            else:
                by_word.setdefault(first[0].lower(), []).append(i)
        return by_word, others

    def pattern_in(self, value: str) -> re.Pattern | None:
        """:attr:`pattern` with only the findings that can occur in ``value`` (None when
        none can). A finding that starts with a word matches only where that word stands
        whole (between non-word characters), so one scan for the words of ``value``
        replaces trying every finding at every capital; it finds exactly what
        :attr:`pattern` finds."""
        by_word, others = self._first_words
        words = (by_word.keys() & _WORD.findall(unicodedata.normalize("NFC", value.lower()))
                 if by_word else ())
        if not words and not others:
            return None
        picked = sorted([*others, *(i for word in words for i in by_word[word])])
        texts = self._texts
        chosen = {texts[i] for i in picked}
        return findings_pattern(tuple(texts[i] for i in picked),
                                any_case=self._any_case & chosen, kept=self._kept,
                                capitals=self._capitalised & chosen)

    def matches(self, value: str, pattern: re.Pattern | None = None) -> list[re.Match]:
        """The findings to hide in ``value``: the matches of ``pattern`` (default
        :meth:`pattern_in`) less a name of :attr:`readable` where ``value`` reads it as
        the modal or month it also is ("Will we", "in June":
        :func:`~.readings.reads_as_word`), and a word of :attr:`known` where ``value``
        does not write it as a name ("Grace Church", "so. Mark the date":
        :func:`~.known.written_as_name`; at the start of ``value``, which may be cut
        from a longer text anywhere, it is masked) or stands inside a text decided
        ``keep`` or a ``never:`` term (:meth:`_kept_spans`); a plural of :attr:`families`
        not after "the" (at the start of ``value`` it is masked); a word of
        :attr:`titled` not after a title nor before a verb of speaking; nothing in a role
        label. A name found capitalised, matched in capitals, is so read in the text
        :func:`~.known.read_in_capitals` makes of ``value``."""
        pattern = self.pattern_in(value) if pattern is None else pattern
        if pattern is None:
            return []
        found, kept = [], None
        roles = [] if self._roles is None else [r.span() for r in self._roles.finditer(value)]
        ends = [e for _, e in roles]   # in order, as the roles do not overlap
        for m in pattern.finditer(value):
            role = bisect.bisect_right(ends, m.start())   # the first ending after it
            if role < len(roles) and roles[role][0] < m.end():
                continue
            key, text = _key(m[0]), value
            if key not in self.labels and key in self._capitals:
                # a name found capitalised, here in capitals: read as title case reads it
                key, text = self._capitals[key], read_in_capitals(value, m.start(), m.end())
                if text is None:
                    found.append(m)
                    continue
            if key in self.families and not as_family(text, m.start(), cut=True):
                continue
            if (key in self.titled and text[:m.start()].strip()
                    and not named_there(text, m.start(), m.end())):
                continue
            if key.lower() in self.readable and reads_as_word(text, m.start(), m.end()):
                continue
            if key in self.known:
                if not written_as_name(text, m.start(), m.end(), cut=True,
                                       titled=key in self.surnames):
                    continue
                kept = self._kept_spans(value) if kept is None else kept
                if any(s <= m.start() and m.end() <= e for s, e in kept):
                    continue
            found.append(m)
        return found

    def _kept_spans(self, value: str) -> list[tuple[int, int]]:
        """Where ``value`` holds a text of :attr:`kept` (as written) or a ``never:`` term
        (in any case): a word of :attr:`known` inside one is left as decided ("Jane
        Jacobs" kept, "Mayor Adams" never, "Jacobs", "Adams" alone found elsewhere), as
        the detector finds no word inside another finding or a ``never:`` term."""
        return [m.span() for pattern in self._kept_patterns for m in pattern.finditer(value)]

    @cached_property
    def _roles(self) -> re.Pattern | None:
        from .detect import term_pattern

        return term_pattern(list(self.roles))

    @cached_property
    def _kept_patterns(self) -> list[re.Pattern]:
        from .detect import term_pattern

        kept = tuple(sorted(self.kept, key=len, reverse=True))
        return [p for p in (findings_pattern(kept), term_pattern(list(self.never)))
                if p is not None]

    def for_readers(self, value: str) -> str:
        """``value`` with each finding replaced by the label of its kind."""
        return _replaced(value, self.matches(value), lambda m: self._label(m[0]))

    def labelled(self, value: str) -> list[tuple[int, int, str]]:
        """(start, end, label) of each finding to hide in ``value``, in order
        (:meth:`for_readers` puts the labels in)."""
        return [(m.start(), m.end(), self._label(m[0])) for m in self.matches(value)]

    @cached_property
    def _lowered(self) -> dict[str, str]:
        return {key.lower(): label for key, label in self.labels.items()}

    def _label(self, found: str) -> str:
        """The label of a finding's text as matched, in its own case or any other."""
        key = _key(found)
        return self.labels.get(key) or self._lowered.get(key.lower(), "[REDACTED]")

    def in_labels(self, value: str, words: frozenset[str] = frozenset()) -> str:
        """``value`` (a cluster's label or terms: lemmas, in lower case) with each
        finding, in any case, replaced by the label of its kind; but a finding matched
        in lower case as one of ``words`` (:meth:`words_in`) is left as written."""
        pattern = findings_pattern(self._texts, re.IGNORECASE)
        return value if pattern is None else pattern.sub(
            lambda m: m[0] if m[0] in words else self._label(m[0]), value)

    @cached_property
    def _as_words(self) -> frozenset[str]:
        from .words import ordinary

        return frozenset(key.lower() for key in self.labels
                         if len(key.split()) == 1 and ordinary(key))

    def words_in(self, texts: list[str]) -> frozenset[str]:
        """The findings that are also English words ("Mark", "Rose", "Grace"), in lower
        case, that none of ``texts`` holds as a finding (as written, capitalised): in
        terms drawn from these texts, lemmas in lower case, "mark" is the word (a
        question mark), not the name; nor where they write it as the word it also is
        ("in June", "Will we": :meth:`matches`)."""
        joined = "\n".join(texts)
        named = ({w.lower() for m in self.matches(joined) for w in m[0].split()}
                 if self._as_words else set())
        return self._as_words - named

    def in_place(self, value: str) -> str:
        """``value`` with each character of a finding replaced by a block: offsets into
        it stay exact."""
        return _replaced(value, self.matches(value), lambda m: BLOCK * len(m[0]))

    def excerpt(self, text: str, start: int, end: int, *, any_case: bool = False) -> str:
        """``text[start:end]`` for readers, a finding that overlaps it (even in part,
        cut by the window) shown whole as its label; with ``any_case`` (an error
        message's excerpt, maybe of a coder's copy: "JOHN", "john") a finding's words
        in any case."""
        pattern = findings_pattern(self._texts, re.IGNORECASE) if any_case else None
        pieces, at = [], start
        for m in self.matches(text, pattern):
            if m.end() <= start or m.start() >= end:
                continue
            pieces += [text[at:max(at, m.start())], self._label(m[0])]
            at = max(at, m.end())
        return "".join(pieces) + text[at:end]

    def in_roles(self, value: str) -> str:
        """A manifest's ``speaker_roles`` cell ("Rosalba Mendez: facilitator; P2:
        participant") for readers: each label as :meth:`_label_shown` shows it."""
        pairs = []
        for pair in value.split(";"):
            label, colon, role = pair.rpartition(":")
            pairs.append(self._label_shown(label) + colon + self.for_readers(role) if colon
                         else self.for_readers(pair))
        return ";".join(pairs)

    def in_notes(self, value: str) -> str:
        """Ingest's ``speaker_notes`` for readers (:meth:`for_readers`), the label of a
        note that the manifest's ``speaker_roles`` gives a role to no speaker of the
        file shown as :meth:`_label_shown` shows it, as the ``speaker_roles`` cell
        does."""
        def shown(m: re.Match) -> str:
            group = 1 if m[1] is not None else 2
            return (m[0][:m.start(group) - m.start()] + self._label_shown(m[group])
                    + m[0][m.end(group) - m.start():])

        return self.for_readers(_ABSENT_ROLE.sub(shown, value))

    def _label_shown(self, label: str) -> str:
        """A speaker label of the manifest's ``speaker_roles`` for readers. Its labels
        give speakers their roles in any case (:mod:`dialogcode.roles`), so a finding in
        it is masked in any case ("Rosalba Mendez" for the transcript's ROSALBA
        MENDEZ); and a label holding a name the scan never read, as no speaker of the
        document is called that (ingest notes it), has the name as [NAME]
        (:func:`~.labels.name_in_any_case`), unless it is a text decided ``keep`` or a
        role ("Faith Leader")."""
        from .labels import name_in_any_case

        shown = self.excerpt(label, 0, len(label), any_case=True)
        name = name_in_any_case(label.strip()) if shown == label else None
        if not name or _key(label) in self.roles or _key(name).lower() in self._kept_lower:
            return shown
        at = label.rindex(name)
        return label[:at] + LABELS["name"] + label[at + len(name):]

    @cached_property
    def _kept_lower(self) -> frozenset[str]:
        return frozenset(key.lower() for key in self.kept)

    def frame(self, table: pd.DataFrame, seg_docs: pd.Series | None = None, *,
              offsets: tuple[str, ...] = ("text",)) -> tuple[pd.DataFrame, int]:
        """A copy of ``table`` masked in its :data:`TEXT_COLUMNS` (the ``offsets``
        columns block for block, the others with labels), and the number of rows with a
        cell changed. Rows of a withheld document (by ``doc_id``, or ``seg_id`` through
        ``seg_docs``) show :data:`WITHHELD`, their ``offsets`` columns all blocks."""
        columns = [c for c in TEXT_COLUMNS if c in table]
        if not columns or not len(table) or (not self.labels and not self.withheld):
            return table, 0
        # a document's hash is of its text: beside a masked text, the hash of the
        # unmasked one would confirm a guess at what the blocks hide, so it is rehashed
        out, changed = table.copy(), pd.Series(False, index=table.index)
        docs = (table["doc_id"] if "doc_id" in table else
                table["seg_id"].map(seg_docs) if "seg_id" in table and seg_docs is not None
                else None)
        withheld = (docs.isin(self.withheld) if docs is not None
                    else pd.Series(False, index=table.index))
        for column in columns:
            values = table[column].astype(object)
            mask = (self.in_place if column in offsets else
                    self.in_roles if column == "speaker_roles" else
                    self.in_notes if column == "speaker_notes" else self.for_readers)
            codes, uniques = pd.factorize(values)       # each distinct text once
            done = [mask(v) if isinstance(v, str) else v for v in uniques] + [None]
            masked = pd.Series([done[c] for c in codes], index=values.index, dtype=object)
            masked = masked.where(codes >= 0, values)
            if withheld.any():
                whole = ((lambda v: re.sub(r"\S", BLOCK, v)) if column in offsets
                         else (lambda v: WITHHELD))
                masked = masked.where(~withheld, values.map(
                    lambda v: whole(v) if isinstance(v, str) and v else v))
            changed |= (masked != values) & values.notna()
            out[column] = masked
        if "sha256" in table and "text" in columns:
            rewritten = out["text"].ne(table["text"]) & table["text"].notna()
            out.loc[rewritten, "sha256"] = [hashlib.sha256(text.encode("utf-8")).hexdigest()
                                            for text in out.loc[rewritten, "text"]]
        return out, int(changed.sum())


_WORD = re.compile(r"\w+")
# ingest's note on a label the manifest's speaker_roles gives a role to, which no speaker
# of the file has (dialogcode.ingest._absent_roles; the label as Python's repr writes it)
_ABSENT_ROLE = re.compile(r"""speaker_roles gives (?:'((?:[^'\\]|\\.)*)'|"([^"]*)") a role""")


def _replaced(value: str, matches: list[re.Match], how) -> str:
    """``value`` with each of ``matches`` (in order, not overlapping) replaced by
    ``how(match)``."""
    if not matches:
        return value
    pieces, at = [], 0
    for m in matches:
        pieces += [value[at:m.start()], how(m)]
        at = m.end()
    return "".join(pieces) + value[at:]


def masker(findings: pd.DataFrame, decisions: pd.DataFrame, never: list[str] = (),
           roles: frozenset[str] = frozenset()) -> Masker:
    """The :class:`Masker` of ``findings`` (with ``status``, from :func:`scan`) and the
    decisions: every finding not decided ``keep`` is masked, labelled by its kind (the
    first in KINDS order when one text was found as several). A name that is also a
    modal or a month is left as written where the text reads it as that word only when
    every finding of it was made by a detector that reads the words around it
    (:data:`READING_DETECTORS`); found by NER or as an ``always:`` term, it is masked
    wherever it stands, as each of those findings is. A word of a name the study knows
    that only ``study-name`` found (or ``title``: "Park" of "Commissioner Park"), alone,
    is masked where the text writes it as a name
    and not inside a kept text or one of the ``never`` terms; found by another detector
    too, wherever it stands, as that finding is; so too a plural that only ``family``
    found ("the Browns"), masked only after "the"; a calendar or compass word that only
    ``after-title`` found ("West" of "Mister West"), only after a title or before a verb
    of speaking. ``roles``: the study's role labels
    (:attr:`Masker.roles`), but for one that holds an ``always:`` term found or is held
    in one (privacy.yaml's ``always: [Faith Leader]`` masks the label too)."""
    from .detect import KINDS

    hidden = findings[findings["status"] != "keep"]
    read, unread = set(), set()
    known, families, titled, elsewhere, surnames = set(), set(), set(), set(), set()
    for text, kind, detector in zip(hidden["text"], hidden["kind"], hidden["detector"]):
        # one word: a name found whole ("Nina Chen") is masked wherever it stands
        single = set(detector.split("+")) <= {DETECTOR, TITLED} and " " not in _key(text)
        (known if single else families if detector == FAMILY
         else titled if detector == AFTER_TITLE and " " not in _key(text)
         else elsewhere).add(_key(text))
        if single and TITLED in detector.split("+"):
            # "BAKER" of "OFFICER BAKER" stands for "Baker" too
            surnames |= titled_forms(_key(text))
        name = _key(text).lower()
        if name in READABLE:
            aware = kind == "name" and set(detector.split("+")) <= READING_DETECTORS
            (read if aware else unread).add(name)
    order = {kind: i for i, kind in enumerate(KINDS)}
    labels: dict[str, str] = {}
    for text, kind in sorted(zip(hidden["text"], hidden["kind"]),
                             key=lambda tk: order.get(tk[1], len(order))):
        if _key(text):
            labels.setdefault(_key(text), LABELS.get(kind, "[REDACTED]"))
    kept = {_key(text) for text in findings.loc[findings["status"] == "keep", "text"]}
    always = {_key(text).lower() for text, detector in zip(hidden["text"], hidden["detector"])
              if "privacy.yaml" in detector.split("+")}
    roles = {_key(role) for role in roles}
    roles = {role for role in roles
             if not any(a in role.lower() or role.lower() in a for a in always)}
    return Masker(labels, frozenset(withheld_documents(decisions)),
                  frozenset(kept - labels.keys()), frozenset(read - unread),
                  frozenset(known - elsewhere), tuple(never), frozenset(roles),
                  frozenset(families - elsewhere - known),
                  frozenset(titled - elsewhere - known - families),
                  frozenset(surnames))
