"""A learned model on disk: plain arrays (``model.npz``) and JSON (``model.json``) in
``out/model/``, never a pickle (a study folder is shared, and loading a pickle runs
code), with the codebook version, the pipeline, the tokenisation, the training set's
hash and the SHA-256 of every document it learned from; a model that does not fit the
study as it is now is refused, never applied (:func:`check_fits`)."""
from __future__ import annotations

import json
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import get_args

import numpy as np
import pandas as pd

from .codebook import Codebook
from .coding import TOKENISATION
from .config import Semantic
from .errors import DialogcodeError
from .learn import STAT_COLUMNS, CodeModels, Featurizer
from .semantic import WORDLLAMA_DIM
from .stamps import pipeline_name, pipeline_stamp
from .store import replacing

MODEL_FOLDER = "model"
FORMAT = 4      # 4: the pipeline's stamp; 3: no document context (format 2 had it)


class ModelError(DialogcodeError):
    """A stored model is missing, corrupt, or does not fit the study as it is now."""


def save_models(models: CodeModels, folder: Path) -> list[Path]:
    """Write ``model.npz`` (arrays, no pickles) and ``model.json`` to ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    f = models.featurizer
    arrays = {"vocabulary": np.asarray(f.vocabulary, dtype=str), "idf": f.idf,
              "coef": models.coef, "intercept": models.intercept,
              "thresholds": models.thresholds}
    if f.svd is not None:
        arrays["svd"] = f.svd
    npz, meta = folder / "model.npz", folder / "model.json"
    with replacing(npz) as temporary:
        np.savez_compressed(temporary, **arrays)
    record = {"format": FORMAT, "dialogcode": version("dialogcode"), "codes": f.codes,
              "semantic": f.semantic, "model": pipeline_name(f.model), **models.meta,
              "stats": json.loads(models.stats.to_json(orient="records"))}
    with replacing(meta) as temporary:
        temporary.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n",
                             encoding="utf-8")
    return [meta, npz]


def load_models(folder: Path) -> CodeModels:
    """Read a model written by :func:`save_models`. Raises ModelError, naming the file,
    when it is missing, corrupt or not a dialogcode model. Its featurizer's ``model`` is
    the pipeline's name (model.json holds no folder's path); :func:`check_fits` sets the
    study's pipeline there before it reads any text."""
    meta_path, npz_path = folder / "model.json", folder / "model.npz"
    if not meta_path.is_file() or not npz_path.is_file():
        raise ModelError("no learned model yet; run `dialogcode learn` first", file=folder)

    def unreadable(why, path):
        return ModelError(f"not a readable dialogcode model ({why}); delete {folder} and "
                          "run `dialogcode learn` again", file=path)

    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise unreadable(exc, meta_path) from None
    if not isinstance(meta, dict) or not isinstance(meta.get("format"), int):
        raise unreadable("not a dialogcode model", meta_path)
    if meta["format"] != FORMAT:
        raise ModelError(f"the model is of format {meta['format']} (from another "
                         f"dialogcode version); this version reads format {FORMAT}: "
                         "run `dialogcode learn` again", file=meta_path)
    codes, semantic, stats = meta.get("codes"), meta.get("semantic"), meta.get("stats", [])
    if not (isinstance(codes, list) and all(isinstance(c, str) for c in codes)
            and semantic in get_args(Semantic) and isinstance(meta.get("model"), str)
            and isinstance(meta.get("pipeline"), str)
            and isinstance(meta.get("documents", {}), dict)
            and isinstance(stats, list) and all(isinstance(row, dict) for row in stats)):
        raise unreadable("its codes, semantic features, pipeline, documents or statistics "
                         "are missing or of the wrong kind", meta_path)
    try:
        with np.load(npz_path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        _check_arrays(arrays, len(codes), semantic)
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:
        raise unreadable(exc, npz_path) from None
    featurizer = Featurizer(arrays["vocabulary"].astype(object), arrays["idf"], semantic,
                            meta["model"], codes,
                            arrays.get("svd") if semantic == "lsa" else None)
    stats = pd.DataFrame(stats, columns=STAT_COLUMNS)
    return CodeModels(featurizer, arrays["coef"], arrays["intercept"], arrays["thresholds"],
                      stats, {k: v for k, v in meta.items() if k not in ("stats",)})


def _check_arrays(arrays: dict[str, np.ndarray], n_codes: int, semantic: str) -> None:
    """Raise ValueError unless ``arrays`` are those :func:`save_models` writes for
    ``n_codes`` codes: a text vocabulary, and numbers of the shapes it implies."""
    missing = [k for k in ("vocabulary", "idf", "coef", "intercept", "thresholds")
               if k not in arrays]
    if missing:
        raise ValueError(f"no {', '.join(missing)} array")
    if arrays["vocabulary"].ndim != 1 or arrays["vocabulary"].dtype.kind != "U":
        raise ValueError("the vocabulary is not a list of terms")
    terms = len(arrays["vocabulary"])
    svd = arrays.get("svd") if semantic == "lsa" else None
    width = terms + (svd.shape[0] if svd is not None and svd.ndim == 2 else 0) + n_codes
    width += WORDLLAMA_DIM if semantic == "wordllama" else 0
    if semantic == "spacy":     # the width of the pipeline's vectors is not stored
        coef = arrays["coef"]
        width = coef.shape[1] if coef.ndim == 2 and coef.shape[1] > width else -1
    shapes = {"idf": (terms,), "intercept": (n_codes,), "thresholds": (n_codes,)}
    if svd is not None:
        shapes["svd"] = (svd.shape[0] if svd.ndim == 2 else -1, terms)
    shapes["coef"] = (n_codes, width)
    for name, shape in shapes.items():
        array = arrays[name]
        if array.dtype.kind != "f" or array.shape != shape:
            raise ValueError(f"array {name} is not numbers of shape {shape}")


def check_fits(models: CodeModels, book: Codebook, documents: pd.DataFrame, model: str,
               folder: Path, *, unit: str | None = None) -> None:
    """Refuse a model made for another codebook version, pipeline (by its stamp, so the
    same pipeline folder wherever the study now is fits), tokenisation (how text is split
    into words and lemmatised: :data:`~dialogcode.coding.TOKENISATION`; a model that did
    not record it too) or document text, or (given the ``unit`` the study's segments are
    cut into now) for other segments; a model that fits reads the texts with ``model``."""
    meta = models.meta
    fix = "; run `dialogcode learn` again"
    if unit is not None and meta.get("unit", unit) != unit:
        raise ModelError(f"the model was trained on segments of unit {meta['unit']!r}, the "
                         f"study's segments are now of unit {unit!r}{fix}",
                         file=folder / "model.json")
    if meta.get("codebook_version") != book.version:
        raise ModelError(f"the model was trained with codebook version "
                         f"{meta.get('codebook_version')}, the codebooks are now version "
                         f"{book.version}{fix}", file=folder / "model.json")
    if meta.get("pipeline") != (stamp := pipeline_stamp(model)):
        raise ModelError(f"the model was trained with spaCy pipeline {meta.get('pipeline')!r}, "
                         f"the study now uses {stamp!r}{fix}", file=folder / "model.json")
    if (then := meta.get("tokenisation")) != TOKENISATION:
        raise ModelError(f"the model learned from text another dialogcode version split "
                         f"into words otherwise (tokenisation {then or 'not recorded'}, "
                         f"this one {TOKENISATION}: line breaks or spaces, contractions or lemmas)"
                         f"{fix}",
                         file=folder / "model.json")
    hashes = documents.set_index("doc_id")["sha256"].to_dict()
    changed = sorted(d for d, h in meta.get("documents", {}).items() if hashes.get(d) != h)
    if changed:
        raise ModelError(f"{len(changed)} document(s) it learned from changed or are gone "
                         f"({', '.join(changed[:3])}){fix}", file=folder / "model.json")
    models.featurizer.model = model     # the same pipeline, where the study now has it
