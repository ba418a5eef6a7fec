"""Charts of the analysis tables as matplotlib Figures (restyle them in a notebook, or
let the report embed them). No pyplot: figures never touch global state or a display.
"""
from __future__ import annotations

import base64
import io
import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .tables import PHASES
from .wording import display_name, distinct_labels

# Figures are sized to what they hold (constrained layout warns, and gives up, when the
# labels leave the axes no room): about this many inches per character of a 10-point
# tick label, and per line and entry of an 8-point legend.
TICK_CHAR = 0.085
LEGEND_LINE = 0.15
LEGEND_ENTRY = 0.07
LEGEND_CHARS = 26           # legend labels wrap at this width...
LEGEND_LINES = 2            # ...onto this many lines (then end in "...")
TITLE_CHARS = 9.5           # characters of an 11-point title per inch of figure width
TITLE_LINE = 0.25           # inches per line of title
MAX_ROWS = 40               # codes in a heatmap; the rest are in the workbook
ROW = 0.3                   # inches per heatmap row of 10-point labels...
DENSE = 20                  # ...and with more rows than this, so that 40 codes fit a
DENSE_ROW = 0.22            # printed page legibly, rows this tall with 9-point labels
MAX_LINES = 12              # codes in the change-over-the-year chart


def _most_used(table: pd.DataFrame, codes: list[str], limit: int) -> tuple[list[str], str]:
    """The ``limit`` codes of ``codes`` with most segments (in their order), and a note
    for the title saying how many were left out."""
    if len(codes) <= limit:
        return codes, ""
    totals = table.groupby("code_id")["segments"].sum().reindex(codes).fillna(0)
    kept = set(totals.sort_values(ascending=False, kind="stable").index[:limit])
    return ([c for c in codes if c in kept],
            f"; the {limit} codes used most, {len(codes) - limit} more in the workbook")


def _title(figure: Figure, text: str) -> None:
    """``text`` as the figure's title, left-aligned and wrapped to the figure's width,
    so a narrow figure (one site) never cuts it off."""
    figure.suptitle(_wrapped(text, figure.get_figwidth()), x=0.01, ha="left",
                    fontsize=11)


def _wrapped(text: str, width: float) -> str:
    return textwrap.fill(text, max(20, int(width * TITLE_CHARS)))


def _heatmap(matrix: pd.DataFrame, labels: pd.DataFrame | None, *, title: str,
             colorbar: str, percent: bool, cell: float = 1.1) -> Figure:
    rows, columns = matrix.shape
    row_chars = max((len(str(i)) for i in matrix.index), default=0)
    column_chars = max((len(str(c)) for c in matrix.columns), default=0)   # at 30 degrees
    width = max(5.0, cell * columns + 1.3 + TICK_CHAR * row_chars)
    title_lines = _wrapped(title, width).count("\n") + 1
    dense = rows > DENSE
    figure = Figure(figsize=(width, max(2.5, (DENSE_ROW if dense else ROW) * rows + 1.2
                                        + TICK_CHAR * column_chars / 2
                                        + TITLE_LINE * title_lines)),
                    layout="constrained")
    axes = figure.add_subplot()
    _title(figure, title)
    if not matrix.size:              # nothing coded: say so rather than draw an empty image
        axes.set_axis_off()
        axes.text(0.5, 0.5, "Nothing coded yet", ha="center", va="center")
        return figure
    image = axes.imshow(matrix.to_numpy(dtype=float), cmap="Blues", aspect="auto",
                        vmin=0)
    axes.set_xticks(range(columns), [str(c) for c in matrix.columns], rotation=30,
                    ha="right")
    axes.set_yticks(range(rows), [str(i) for i in matrix.index],
                    fontsize=9 if dense else 10)
    top = np.nanmax(matrix.to_numpy(dtype=float)) if matrix.size else 0
    for (i, j), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
        if labels is not None:
            text = str(labels.iat[i, j])
        else:
            text = f"{value:.0%}" if percent else f"{value:.2f}"
        if value or labels is not None:
            axes.text(j, i, text, ha="center", va="center", fontsize=7,
                      color="white" if top and value > top * 0.6 else "black")
    figure.colorbar(image, ax=axes, label=colorbar, shrink=0.6)
    return figure


def _labels(table: pd.DataFrame) -> dict[str, str]:
    """code_id -> label (the id where a table has no label for it), a label several
    codes share told apart by the parent's (:func:`~dialogcode.wording.distinct_labels`)."""
    codes = table.drop_duplicates("code_id").set_index("code_id")
    labels = codes.get("label")
    named = {c: labels[c] if labels is not None and isinstance(labels[c], str) and labels[c]
             else c for c in codes.index}
    return distinct_labels(named, codes.get("parent_id", pd.Series(dtype=object)).to_dict())


def code_heatmap(table: pd.DataFrame, by: str = "site", *, codable_only: bool = True,
                 limit: int = MAX_ROWS) -> Figure:
    """Code x ``by`` heatmap of a :func:`~dialogcode.tables.code_by` table: rows are the
    codes' labels (the ``limit`` codes with most segments; the title says how many more
    there are), columns the groups' display names; colour is the share of the group's
    segments, the number in each cell the segments coded."""
    names = _labels(table)   # before categories leave: a value is named by its variable
    if codable_only:
        table = table[table["codable"]]
    order = list(dict.fromkeys(table[by]))
    if by == "phase":
        order = [p for p in PHASES if p in order] + [p for p in order if p not in PHASES]
    share = table.pivot(index="code_id", columns=by, values="share")
    counts = table.pivot(index="code_id", columns=by, values="segments")
    codes, more = _most_used(table, list(dict.fromkeys(table["code_id"])), limit)
    share, counts = share.loc[codes, order], counts.loc[codes, order]
    share.index = counts.index = [names[c] for c in codes]
    share.columns = counts.columns = [display_name(v) for v in order]
    return _heatmap(share, counts, title=f"Share of each {by.replace('_', ' ')}'s segments "
                                         f"coded (number = segments){more}",
                    colorbar="share of segments", percent=True, cell=0.8)


def phase_lines(table: pd.DataFrame, codes: list[str] | None = None,
                limit: int = MAX_LINES) -> Figure:
    """Share of segments per phase for ``codes`` (default: the top-level codes; the
    ``limit`` with most segments, the title says how many more) from a
    code_by(..., "phase") table: how talk about each theme changed over the year."""
    if codes is None:
        codes = list(dict.fromkeys(table.loc[table["parent_id"].isna(), "code_id"]))
    codes, more = _most_used(table, codes, limit)
    phases = [p for p in PHASES if p in set(table["phase"])]
    names = _labels(table)
    legend = [textwrap.fill(names.get(code, code), LEGEND_CHARS, max_lines=LEGEND_LINES,
                            placeholder="...") for code in codes]
    lines = sum(label.count("\n") + 1 for label in legend)
    figure = Figure(figsize=(7, max(4.0, LEGEND_LINE * lines + LEGEND_ENTRY * len(codes)
                                    + 1.2)), layout="constrained")
    axes = figure.add_subplot()
    markers = "os^Dv<>ph*"
    for number, (code, label) in enumerate(zip(codes, legend)):
        rows = table[table["code_id"] == code].set_index("phase").reindex(phases)
        axes.plot([display_name(p) for p in phases], rows["share"] * 100,
                  marker=markers[number % len(markers)], label=label)
    axes.set_ylabel("% of the phase's segments")
    _title(figure, f"Change over the year{more}")
    axes.grid(alpha=0.3)
    if codes:
        axes.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    return figure


def cooccurrence_heatmap(table: pd.DataFrame, top: int = 20,
                         labels: dict[str, str] | None = None) -> Figure:
    """Jaccard heatmap of the ``top`` codes with most segments, from a
    :func:`~dialogcode.tables.cooccurrence` table; ``labels`` (code_id -> label) names
    the rows and columns."""
    sizes = table.drop_duplicates("code_a").set_index("code_a")["segments_a"]
    codes = sizes.sort_values(ascending=False, kind="stable").index[:top].tolist()
    subset = table[table["code_a"].isin(codes) & table["code_b"].isin(codes)]
    matrix = subset.pivot(index="code_a", columns="code_b", values="jaccard")
    matrix = matrix.reindex(index=codes, columns=codes).fillna(0.0)
    matrix.index = matrix.columns = [(labels or {}).get(c, c) for c in codes]
    return _heatmap(matrix, None, title="Co-occurrence in segments (Jaccard)",
                    colorbar="Jaccard", percent=False, cell=0.5)


def confusion_chart(matrix: pd.DataFrame, variable: str, coders: list[str]) -> Figure:
    """A variable's confusion matrix (from :func:`dialogcode.agreement.agree`) as a
    heatmap: rows the first-named coder's value, columns the other's (summed over coder
    pairs with more than two coders)."""
    figure = _heatmap(matrix, matrix, title=f"{variable}: values given to the same "
                                            "segments", colorbar="segments",
                      percent=False, cell=0.9)
    axes = figure.axes[0]
    pair = len(coders) == 2
    axes.set_ylabel(coders[0] if pair else "earlier-named coder of each pair")
    axes.set_xlabel(coders[1] if pair else "later-named coder of each pair")
    return figure


def png_data_uri(figure: Figure, dpi: int = 110) -> str:
    """The figure as an inline ``data:image/png;base64,...`` URI."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def cooccurrence_network(table: pd.DataFrame, top: int = 20, min_jaccard: float = 0.05
                         ) -> Figure:
    """The ``top`` codes with most segments on a circle, joined where their Jaccard
    index (from a :func:`~dialogcode.tables.cooccurrence` table) reaches
    ``min_jaccard``; thicker lines co-occur more, bigger dots are more frequent."""
    sizes = table.drop_duplicates("code_a").set_index("code_a")["segments_a"]
    codes = sizes.sort_values(ascending=False, kind="stable").index[:top].tolist()
    angles = np.linspace(0, 2 * np.pi, len(codes), endpoint=False)
    where = {c: (np.cos(a), np.sin(a)) for c, a in zip(codes, angles)}
    figure = Figure(figsize=(8, 8), layout="constrained")
    axes = figure.add_subplot()
    edges = table[(table["code_a"] < table["code_b"]) & table["code_a"].isin(codes)
                  & table["code_b"].isin(codes) & (table["jaccard"] >= min_jaccard)]
    strongest = edges["jaccard"].max() if len(edges) else 1.0
    for edge in edges.itertuples():
        (x1, y1), (x2, y2) = where[edge.code_a], where[edge.code_b]
        axes.plot([x1, x2], [y1, y2], color="#305496", alpha=0.6,
                  linewidth=0.5 + 5 * edge.jaccard / strongest)
    xs, ys = zip(*where.values()) if codes else ((), ())
    axes.scatter(xs, ys, s=[40 + 400 * sizes[c] / sizes.max() for c in codes],
                 color="#9db3d8", edgecolor="#305496", zorder=3)
    for code, angle in zip(codes, angles):
        x, y = where[code]
        axes.text(1.1 * x, 1.1 * y, code, fontsize=7, ha="left" if x >= 0 else "right",
                  va="center", rotation=np.degrees(angle) if x >= 0
                  else np.degrees(angle) - 180, rotation_mode="anchor")
    axes.set_xlim(-1.9, 1.9)
    axes.set_ylim(-1.9, 1.9)
    axes.set_aspect("equal")
    axes.axis("off")
    _title(figure, f"Codes that share segments (Jaccard >= {min_jaccard})")
    return figure
