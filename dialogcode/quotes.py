"""Exemplar quotes: for each code (or lesson), a few clear, representative quotes spread
across sites and speakers, each with a sentence of context on either side.

A candidate is one coded segment: the whole turn when it is short, otherwise its
sentences from the first holding one of the code's matches to the last. Each candidate
is scored (weights below, columns in docs/tables.md):

- ``typicality``: cosine similarity of its TF-IDF vector to the mean of all the code's
  candidates, so a quote that says what the code's evidence says as a whole wins over
  an odd one out;
- ``evidence``: how many different rules of the code matched in it (up to 3);
- ``length``: 1 between 12 and 60 words, falling off outside;
- ``complete``: 1 when it starts like a sentence and ends with . ! or ?.

Picking is greedy by score, with a penalty for a site, speaker or document already used,
and a larger one (:data:`ASIDE`) for staff's words (speakers whose role is facilitator,
coach or evaluator, :mod:`dialogcode.roles`) and procedural talk (a welcome that
greets, agendas, "this is our first coaching call", "this is the kick-off meeting" in a
clause that says nothing more), so participants' words come first. Passages with no
speaker (field notes) are no one speaker's: the speaker penalty never falls on them. A
filler sentence ("Um .") is passed over for a quote's context, but a quoted question's
yes or no answer is its context.
A quote mark left open or closed at the edge of a quote or its context (the turn's other
mark lies outside it) is left out, so quotes keep balanced punctuation.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from spacy.lang.en.stop_words import STOP_WORDS

from .codebook import Codebook
from .nlp import load_pipeline, sentence_docs
from .normalize import count_words
from .roles import STAFF, SpeakerRoles
from .segment import is_answer, is_backchannel, is_filler, sentence_spans
from .tables import ancestors, segment_frame, substantive, tree_order

WEIGHTS = {"typicality": 0.4, "evidence": 0.2, "length": 0.25, "complete": 0.15}
PENALTY = {"site": 0.25, "speaker_key": 0.15, "doc_id": 0.1}
SHORT, LONG, FRAGMENT = 12, 60, 6
ASIDE = 0.5
PROCEDURAL = re.compile(
    r"\b(?:agenda|housekeeping|next slide|recorder'?s on"
    r"|let'?s (?:get started|begin|start|kick off|move on|wrap up|take a break)"
    r"|thank(?:s| you) (?:all|everyone|everybody|for (?:coming|joining|being here))"
    r"|can (?:everyone|everybody|you all) (?:hear|see))\b"
    # a welcome that greets, where a clause starts: "welcome everyone", "hi all, welcome
    # to", "okay, welcome back"; not "the landlord made us feel welcome", "we were
    # welcome to stay", "a welcome change"
    r"|(?:^|[.,;:!?]|\b(?:hi|hello|hey|thanks|thank you|morning|afternoon|evening)"
    r"(?:\s+(?:everyone|everybody|all|folks|there))?)(?:\s*\b(?:and|so|okay|ok|well|um|uh)"
    r"\b,?)*\s*\bwelcome(?:\s*(?:[.,;:!?]|$)|,?\s+(?:everyone|everybody|all|back|aboard|to)\b)",
    re.IGNORECASE)
# opening the meeting being held: "this is our first call", "for our kick-off meeting",
# and the speaker's own "just to kick off the meeting" (not "we had to kick off the
# meeting without the mayor"): procedural where its clause says no more (_opens_meeting)
OPENING = re.compile(
    r"\b(?:(?:(?:this is|welcome to) (?:our|the|today'?s) (?:first|second|third|fourth|next"
    r"|last|final|opening|closing|kick[- ]?off) (?:[\w-]+ )?|(?:today'?s|this|for our) "
    r"kick[- ]?off )(?:call|session|meeting)"
    r"|(?:(?:let me|I'?ll|I will|I'?d like to|I want to|we'?ll|we will|(?:I'?m|we'?re) "
    r"(?:going to|gonna)|(?:so|just|now|first),? to|^to) kick off|(?:I'?m|we'?re) kicking "
    r"off) (?:the|this|our|today'?s) (?:call|session|meeting))\b",
    re.IGNORECASE)
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?]|$|(?:and|so|but|today|now)\b)", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s*(?:for|of)\s+(.*?)\s*(?:[.,;:!?]|$|\b(?:and|so|but)\b)",
                        re.IGNORECASE)
_DETERMINERS = frozenset({"the", "a", "an", "our", "this", "my", "your", "their",
                          "today's"})

QUOTE_COLUMNS = ["rank", "quote", "context_before", "context_after", "speaker", "role",
                 "site", "event_type", "phase", "date", "doc_id", "seg_id", "start", "end",
                 "n_words", "score"]


def _sentences(texts: list[str]) -> list[list[tuple[int, int]]]:
    """The sentence spans of each text, transcriber's marks kept whole as sentence units
    keep them (a quote never starts at "vocalsound}")."""
    nlp = load_pipeline("blank")
    return [sentence_spans(text, [s.start_char for s in doc.sents]) if text else []
            for text, doc in zip(texts, sentence_docs(nlp, texts, disable=[
                n for n in nlp.pipe_names if n != "sentencizer"]))]


def _context(rows: dict[int, dict], sentences: dict, position: int, first: int, last: int
             ) -> tuple[str, str]:
    """The sentence before ``first`` and after ``last`` (sentence indexes in the segment
    at ``position``), from the neighbouring turn of the same document when the turn has
    none; a filler sentence ("Um .", "Yeah .") is passed over for the talk beyond it."""
    def talk(index: int, step: int) -> str:
        """The nearest sentence of the segment at ``index`` that is no filler, going
        by ``step`` from its edge (from its end when -1)."""
        text = rows[index]["text"]
        spans = sentences[index] or [(0, len(text))]
        said = [text[slice(*span)].strip() for span in spans[::step]]
        return next((s for s in said if not is_backchannel(s)), said[0])

    def neighbour(step):
        other = position + step
        if other not in rows or rows[other]["doc_id"] != rows[position]["doc_id"]:
            return ""
        speaker = rows[other]["speaker"]
        return (f"{speaker}: " if isinstance(speaker, str) else "") + talk(other, step)

    text = rows[position]["text"]
    spans = sentences[position] or [(0, len(text))]
    before = [text[slice(*span)] for span in spans[:first][::-1]]
    after = [text[slice(*span)] for span in spans[last + 1:]]
    before = next((s for s in before if not is_backchannel(s)), None) or neighbour(-1)
    after = next((s for s in after if not is_backchannel(s)), None) or neighbour(1)
    return _balanced(before), _balanced(after)


def _answers(segments: pd.DataFrame, coded: set[str]) -> dict[str, str]:
    """seg_id -> the answer another speaker gives in the turn right after it (with its
    speaker), for the ``coded`` segments ending with a question, where that turn opens
    with a yes or no (:func:`~dialogcode.segment.is_answer`): its fillers and its first
    sentence of talk ("P1: No . But the wages fell ."), or all of it when it says no
    more ("P1: No ."). Fillers are no quote's context, but that yes or no answers it."""
    after = segments.shift(-1)
    asked = (segments["seg_id"].isin(coded) & (after["doc_id"] == segments["doc_id"])
             & after["codable"].eq(True)
             & (after["speaker"] != segments["speaker"])
             & segments["text"].str.rstrip().str.endswith("?"))
    replies = after[asked]
    answers = {}
    for seg_id, speaker, text, spans in zip(segments.loc[asked, "seg_id"],
                                            replies["speaker"], replies["text"],
                                            _sentences(replies["text"].tolist())):
        ends = [end for _, end in spans] or [len(text)]
        fillers = next((i for i, (start, end) in enumerate(spans)
                        if not is_filler(text[start:end])), len(spans))
        if fillers and is_answer(text[:ends[fillers - 1]]):
            answers[seg_id] = _balanced((f"{speaker}: " if isinstance(speaker, str) else "")
                                        + text[:ends[min(fillers, len(ends) - 1)]])
    return answers


def _balanced(text: str) -> str:
    """``text`` without a quote mark at its edge whose partner lies outside it."""
    text = text.strip()
    lead, trail = _open_marks(text)
    return text[lead:len(text) - trail].strip()


def quote_candidates(codings: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                     book: Codebook | None = None) -> pd.DataFrame:
    """One scored candidate quote per (code_id, coded segment); backchannels, preambles
    and headings are left out, and never serve as context either.
    With ``book``, parent codes are rolled up (a sub-code's match is a parent's too)."""
    # a quote's neighbours (its context) are the substantive segments around it: the
    # talk before a "Mm-hmm.", not the "Mm-hmm."
    frame = segment_frame(segments[substantive(segments)], documents)
    # nor is a turn of fillers only ("Um . Yeah . Okay . Right . Sure ."), unless coded
    frame = frame[frame["seg_id"].isin(codings["seg_id"]) | ~frame["text"].map(is_filler)]
    hits = codings[["seg_id", "code_id", "start", "end", "rule_id"]]
    if book is not None:
        chains = {c: ancestors(book, c) or [c] for c in hits["code_id"].unique()}
        hits = hits.assign(code_id=hits["code_id"].map(chains)).explode("code_id")
    hits = hits[hits["seg_id"].isin(frame["seg_id"])]
    if hits.empty:
        return pd.DataFrame(columns=["code_id", *QUOTE_COLUMNS[1:]])
    answers = _answers(segments, set(hits["seg_id"]))
    positions = {seg_id: i for i, seg_id in enumerate(frame["seg_id"])}
    # only the coded segments and their neighbours (the context) are read
    needed = sorted({positions[seg_id] + step for seg_id in hits["seg_id"].unique()
                     for step in (-1, 0, 1)} & set(range(len(frame))))
    rows = dict(zip(needed, frame.iloc[needed].to_dict("records")))
    sentences = dict(zip(needed, _sentences([rows[i]["text"] for i in needed])))
    found = []
    for (code_id, seg_id), group in hits.groupby(["code_id", "seg_id"], sort=False):
        position = positions[seg_id]
        row = rows[position]
        spans = sentences[position] or [(0, len(row["text"]))]
        if row["n_words"] <= LONG:
            first, last = 0, len(spans) - 1
        else:
            local = [(s - row["start"], e - row["start"]) for s, e in zip(group["start"],
                                                                          group["end"])]
            inside = [i for i, (a, b) in enumerate(spans)
                      if any(s < b and e > a for s, e in local)] or [0]
            first, last = min(inside), max(inside)
        start, end = spans[first][0], spans[last][1]
        text = row["text"][start:end]
        stripped = text.strip()
        lead, trail = _open_marks(stripped)
        inner = stripped[lead:len(stripped) - trail]
        quote = inner.strip()
        start += len(text) - len(text.lstrip()) + lead + len(inner) - len(inner.lstrip())
        before, after = _context(rows, sentences, position, first, last)
        if last == len(spans) - 1 and quote.endswith("?") and seg_id in answers:
            after = answers[seg_id]     # "P1: No.": its answer, not the talk after it
        found.append({"code_id": code_id, "quote": quote, "context_before": before,
                      "context_after": after, "speaker": row["speaker"], "site": row["site"],
                      "event_type": row["event_type"], "phase": row["phase"],
                      "date": row["date"], "doc_id": row["doc_id"], "seg_id": seg_id,
                      "start": int(row["start"] + start),
                      "end": int(row["start"] + start + len(quote)),
                      "n_words": count_words(quote), "rules": group["rule_id"].nunique(),
                      "speaker_key": row["speaker_key"]})
    return _score(pd.DataFrame(found))


def _open_marks(quote: str) -> tuple[int, int]:
    """Characters to drop at the start and end of ``quote``: a double quote mark at its
    edge whose partner is outside it."""
    lead = trail = 0
    if quote.count('"') % 2:
        trail, lead = (1, 0) if quote.endswith('"') else (0, int(quote.startswith('"')))
    opened, closed = quote.count("“"), quote.count("”")
    if closed > opened and quote.endswith("”"):
        trail = 1
    if opened > closed and quote.startswith("“"):
        lead = 1
    return lead, trail


def aside(roles: pd.Series, quotes: pd.Series) -> pd.Series:
    """True for quotes said by staff (``roles`` facilitator, coach or evaluator) or
    holding procedural talk (:data:`PROCEDURAL`, :func:`_opens_meeting`)."""
    return roles.isin(STAFF) | quotes.str.contains(PROCEDURAL) | quotes.map(_opens_meeting)


def _opens_meeting(quote: str) -> bool:
    """Whether ``quote`` opens the meeting being held (:data:`OPENING`) in a clause that
    says nothing more: it ends there, goes on "and", "so", "today"..., or names the
    meeting with a few words ("for our project", "of the year", "for the new remote
    control"). A clause that goes on with content is talk about a meeting: "the first
    meeting of the collaborative since the fire", "where the landlord listened"."""
    for match in OPENING.finditer(quote):
        rest = quote[match.end():]
        if _CLAUSE_END.match(rest):
            return True
        named = _QUALIFIER.match(rest)
        words = named.group(1).casefold().split() if named else []
        if 0 < len(words) <= 4 and all(w in _DETERMINERS or w not in STOP_WORDS
                                       for w in words):
            return True
    return False


def _score(table: pd.DataFrame) -> pd.DataFrame:
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        table["quote"])
    vectors = normalize(vectors)
    typicality = np.zeros(len(table))
    for _, index in table.groupby("code_id").indices.items():
        centroid = normalize(np.asarray(vectors[index].mean(axis=0)))
        typicality[index] = (vectors[index] @ centroid.T).ravel()
    words = table["n_words"].to_numpy(dtype=float)
    length = np.where(words < SHORT, words / SHORT, np.where(words > LONG, LONG / words, 1.0))
    complete = (table["quote"].str.match(r"^[\"'“‘(]?[A-Z0-9]")
                & table["quote"].str.contains(r"[.!?][\"'”’)]?$")).astype(float)
    table = table.assign(typicality=typicality.round(4),
                         evidence=(table["rules"].clip(upper=3) / 3).round(4),
                         length=length.round(4), complete=complete)
    table["score"] = sum(table[k] * w for k, w in WEIGHTS.items()).round(4)
    return table.drop(columns="rules")


def pick_quotes(candidates: pd.DataFrame, per_group: int = 3, key: str = "code_id",
                roles: SpeakerRoles = SpeakerRoles()) -> pd.DataFrame:
    """The best ``per_group`` candidates of each ``key`` value, spread across sites,
    speakers and documents, each with its speaker's ``role`` (from ``roles``);
    fragments (under 6 words) only when nothing else is left, staff's words and
    procedural talk (:func:`aside`) after participants'."""
    picked = []
    for group_id, group in candidates.groupby(key, sort=False):
        group = group.assign(role=roles.of(group))
        pool = group.assign(_fragment=group["n_words"] < FRAGMENT,
                            _aside=aside(group["role"], group["quote"]))
        used = {column: set() for column in PENALTY}
        for rank in range(1, min(per_group, len(pool)) + 1):
            adjusted = pool["score"] - pool["_fragment"] * 1.0 - pool["_aside"] * ASIDE
            for column, weight in PENALTY.items():
                adjusted = adjusted - pool[column].isin(used[column]) * weight
            best = pool.loc[adjusted.sort_values(ascending=False, kind="stable").index[0]]
            picked.append({key: group_id, **best.drop(["_fragment", "_aside", key]).to_dict(),
                           "rank": rank})
            for column in PENALTY:
                # passages with no speaker (field notes) are no one speaker's
                if isinstance(best[column], str):
                    used[column].add(best[column])
            pool = pool.drop(best.name)
    table = pd.DataFrame(picked, columns=[key, *QUOTE_COLUMNS])
    return table.reset_index(drop=True)


def exemplar_quotes(codings: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                    book: Codebook, per_code: int = 3,
                    roles: SpeakerRoles = SpeakerRoles()) -> pd.DataFrame:
    """The exemplar quotes table: ``per_code`` quotes for every code that occurs
    (parents rolled up), in codebook order; staff's words (by ``roles``) come last."""
    table = pick_quotes(quote_candidates(codings, segments, documents, book), per_code,
                        roles=roles)
    order = tree_order(book)
    return (table.assign(_order=table["code_id"].map(order))
            .sort_values(["_order", "rank"], kind="stable", ignore_index=True)
            .drop(columns="_order"))
