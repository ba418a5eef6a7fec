"""JSON and JSONL transcripts: a list of ``{speaker, text, start, end}`` objects (or an
object holding that list, or Rev's ``monologues``), read as table rows
(:func:`~.tables.rows_to_document`)."""
from __future__ import annotations

import json

from ..errors import IngestError
from ..limits import DEFAULT, Limits, check_json_depth
from .base import ParsedDocument
from .columns import find_columns
from .tables import rows_to_document


def _turn_list(data: dict, columns: dict[str, str] | None, source: str) -> list | None:
    """The list of turns in a JSON object (``{"segments": [...]}``): its one list, else
    its one list of objects with a text key (``segments`` beside ``word_segments``), else
    its one such list whose texts run to more than one word (on average) and hold at
    least half as many words as each list of single words has items (AssemblyAI's
    ``utterances`` beside ``words``, not its ``entities``). Raises IngestError when several lists are left, or none."""
    lists = {key: value for key, value in data.items() if isinstance(value, list)}
    if len(lists) < 2:
        return next(iter(lists.values()), None)

    def text_key(items: list) -> str | None:
        if not items or not all(isinstance(item, dict) for item in items):
            return None
        keys = list(dict.fromkeys(str(key) for item in items for key in item))
        try:
            found = find_columns(keys, columns, source, required=False)
        except IngestError:
            return None
        return keys[found["text"]] if found else None

    chosen = {key: name for key, items in lists.items() if (name := text_key(items))}
    words = {key: sum(len(str(item.get(name) or "").split()) for item in lists[key])
             for key, name in chosen.items()}
    longer = [key for key in chosen if words[key] > len(lists[key])]
    # the talk is the one list of longer texts that holds the words of the word lists
    # (AssemblyAI's `utterances`, not its `entities` such as "New York"); without one,
    # the one list of single words (AssemblyAI's `words` without speaker labels)
    talk = [key for key in longer if all(words[key] * 2 >= len(lists[other])
                                         for other in chosen if other not in longer)]
    single = [key for key in chosen if words[key] <= len(lists[key])]
    if not talk and len(single) == 1:
        talk = single
    if len(chosen) == 1 or len(talk) == 1:
        return lists[next(iter(chosen)) if len(chosen) == 1 else talk[0]]
    named = ", ".join(map(repr, chosen or lists))
    raise IngestError(f"the JSON object holds lists {named}, and "
                      f"{'each' if chosen else 'none'} of them is a list of turns with a "
                      "text key; make the file the one list of turns", file=source)


class _Object(dict):
    """A JSON object, with the keys it gives twice with different values (``json`` keeps
    the last value of a key given twice, so the first would be lost unseen)."""

    doubled: tuple[str, ...] = ()


def _json_object(pairs: list[tuple[str, object]]) -> _Object:
    item = _Object(pairs)
    if len(item) < len(pairs):
        item.doubled = tuple(dict.fromkeys(key for key, value in pairs if item[key] != value))
    return item


def _constant(name: str) -> float | None:
    """A JSON ``NaN`` (as numpy and pandas write a missing value) as a null: no speaker,
    no text, no time, as an empty CSV cell; ``Infinity`` stays a number, refused as a
    time."""
    return None if name == "NaN" else float(name)


def _rev_turns(data: dict, source: str) -> list:
    """Rev's JSON (``{"speakers": [{"id", "name"}], "monologues": [{"speaker",
    "speaker_name", "elements": [{"type", "value", "ts", "end_ts"}]}]}``) as a list of
    turns: each monologue's speaker by its ``speaker_name``, else the name the speakers
    list gives its ``speaker`` id, else the id; its text the values of its elements
    joined (words, spaces and punctuation each an element); its start the first ``ts``,
    its end the last ``end_ts``. A monologue that is not an object is passed on as it
    is, refused as any item that is not. Raises IngestError for a ``speakers`` that is
    not a list, a monologue without a list of elements, or an element that is not an
    object with a text value."""
    speakers = data.get("speakers") or []
    if not isinstance(speakers, list):
        raise IngestError("'speakers' is not a list of {id, name} objects", file=source)
    names = {str(who.get("id")): who.get("name") for who in speakers
             if isinstance(who, dict)}
    turns = []
    for n, monologue in enumerate(data["monologues"], start=1):
        if not isinstance(monologue, dict):
            turns.append(monologue)
            continue
        elements = monologue.get("elements")
        bad = next((m for m, element in enumerate(elements, start=1)
                    if not isinstance(element, dict)
                    or not isinstance(element.get("value"), str)), None) \
            if isinstance(elements, list) else 0
        if bad is not None:
            raise IngestError(f"item {n} of 'monologues' " + (
                f"has element {bad} that is not an object with a text 'value'" if bad
                else "has no list of 'elements'"), file=source)
        speaker = monologue.get("speaker")
        turn = _Object(speaker=monologue.get("speaker_name") or names.get(str(speaker))
                       or speaker,
                       text="".join(element["value"] for element in elements),
                       start=next((e["ts"] for e in elements if "ts" in e), None),
                       end=next((e["end_ts"] for e in reversed(elements) if "end_ts" in e),
                                None))
        # a key given twice in the monologue or one of its elements
        turn.doubled = monologue.doubled or next(
            (element.doubled for element in elements if element.doubled), ())
        turns.append(turn)
    return turns


def turns_json(text: str, source: str) -> str | None:
    """A JSON transcript as a list of ``{speaker, text, start, end}`` turns when it is
    Rev's (:func:`_rev_turns`), so that each turn's words are one string, not a string a
    word (a privacy mask finds a phone number or an address only whole); None for other
    JSON."""
    data = json.loads(text, object_pairs_hook=_json_object, parse_constant=_constant)
    if not isinstance(data, dict) or not isinstance(data.get("monologues"), list):
        return None
    return json.dumps(_rev_turns(data, source), ensure_ascii=False, indent=1) + "\n"


def parse_json(text: str, source: str, columns: dict[str, str] | None = None, *,
               lines: bool = False, merge: bool = True, limits: Limits = DEFAULT,
               turn_times: str | None = None) -> ParsedDocument:
    items: list[tuple[int, object]] = []
    number = 1
    try:
        if lines:
            for number, raw in enumerate(text.split("\n"), start=1):
                if raw.strip():
                    check_json_depth(raw, source, limits, IngestError, number)
                    items.append((number, json.loads(raw, object_pairs_hook=_json_object,
                                                   parse_constant=_constant)))
        else:
            check_json_depth(text, source, limits, IngestError)
            data = json.loads(text, object_pairs_hook=_json_object,
                              parse_constant=_constant)
            if isinstance(data, dict) and isinstance(data.get("monologues"), list):
                data = _rev_turns(data, source)
            elif isinstance(data, dict):
                data = _turn_list(data, columns, source)
            if not isinstance(data, list):
                raise IngestError("expected a JSON list of {speaker, text, start, end} "
                                  "objects", file=source)
            items = [(index + 1, item) for index, item in enumerate(data)]
    except json.JSONDecodeError as exc:
        line = exc.lineno if not lines else number
        raise IngestError(f"invalid JSON: {exc.msg}", file=source, line=line) from None
    except ValueError:    # a number of more than 4,300 digits
        raise IngestError("invalid JSON: a number too long to read", file=source,
                          line=number if lines else None) from None
    bad = [n for n, item in items if not isinstance(item, dict)]
    where = "line" if lines else "item"
    if len(bad) == 1:
        raise IngestError("not a JSON object" if lines else
                          f"item {bad[0]} is not a JSON object", file=source,
                          line=bad[0] if lines else None)
    if bad:
        raise IngestError(f"{where}s {', '.join(map(str, bad[:10]))} are not JSON objects",
                          file=source)
    objects = []
    for n, item in items:     # keys as find_columns matches them: `Text` is `text`
        if item.doubled:
            raise IngestError(f"{where} {n} gives the key {item.doubled[0]!r} twice, with "
                              "different values, and only the last would be read; keep one",
                              file=source, line=n if lines else None)
        folded: dict[str, object] = {}
        for key, value in item.items():
            name = str(key).strip().lower()
            if name in folded and value not in (None, "") and folded[name] not in (None, ""):
                raise IngestError(f"{where} {n} has two keys named {name!r} (in any case); "
                                  "keep one", file=source, line=n if lines else None)
            if folded.get(name) in (None, ""):
                folded[name] = value
        objects.append((n, folded))
    keys: list[str] = []
    for _, item in objects:
        keys.extend(k for k in item if k not in keys)
    rows = [(n, [item.get(k) for k in keys]) for n, item in objects]
    return rows_to_document(keys, rows, source, columns, merge=merge,
                            rows_are="lines" if lines else "items", turn_times=turn_times)
