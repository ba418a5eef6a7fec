"""Exemplar quotes: how they are picked (spread over speakers, procedural talk after
participants' words) and the context shown around them."""
import pandas as pd

from dialogcode.quotes import pick_quotes


def _candidate(quote, speaker, doc_id, score):
    return {"code_id": "risk.housing", "quote": quote, "context_before": "",
            "context_after": "", "speaker": speaker, "site": "North", "event_type": "",
            "phase": "", "date": "", "doc_id": doc_id, "seg_id": f"{doc_id}:t0",
            "start": 0, "end": len(quote), "n_words": 14, "score": score,
            "speaker_key": None if speaker is None else f"{doc_id}\x00{speaker}"}


def test_field_notes_without_a_speaker_are_not_all_one_speaker():
    # two field notes (no speaker) from two visits: the second was marked down as the
    # same speaker as the first, and a weaker participant quote took its place
    candidates = pd.DataFrame([
        _candidate("Families on the block said the rent doubled after the sale.", None,
                   "notes1", 0.80),
        _candidate("P1 said the rent was late again and the landlord was angry.", "P1",
                   "call", 0.70),
        _candidate("At the second visit three households had been evicted already.", None,
                   "notes2", 0.78)])
    picked = pick_quotes(candidates, per_group=2)
    assert picked["doc_id"].tolist() == ["notes1", "notes2"]
