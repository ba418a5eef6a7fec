"""The report's charts fit: legends of many long code labels wrap, beside the plot and
wholly inside the figure (measured with matplotlib's own renderer)."""
import warnings

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

from dialogcode.charts import LEGEND_CHARS, LEGEND_LINES, code_heatmap, phase_lines
from dialogcode.wording import distinct_labels

LABELS = [f"Category number {n} of the imported dictionary, with its long explanatory name"
          for n in range(12)] + ["Short"]
TABLE = pd.DataFrame([{"code_id": f"c{n}", "parent_id": None, "codable": True,
                       "label": label, "phase": phase, "share": 0.05 * (n % 5),
                       "segments": 20 - n}
                      for n, label in enumerate(LABELS)
                      for phase in ("kickoff", "mid-year", "closing")])


def _drawn(figure):
    FigureCanvasAgg(figure)
    renderer = figure.canvas.get_renderer()
    figure.draw(renderer)
    return renderer


def test_a_legend_of_many_long_labels_wraps_and_stays_inside_the_figure():
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # constrained layout warns when it gives up
        figure = phase_lines(TABLE)
        renderer = _drawn(figure)
    legend = figure.axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert len(texts) == 12                  # the 12 codes used most; "Short" left out
    for text in texts:
        lines = text.split("\n")
        assert 1 < len(lines) <= LEGEND_LINES and all(len(x) <= LEGEND_CHARS for x in lines)
        assert lines[0].startswith("Category number")     # wrapped, not cut at its start
    inside = figure.bbox.padded(1)
    box = legend.get_window_extent(renderer)
    assert inside.x0 <= box.x0 and box.x1 <= inside.x1
    assert inside.y0 <= box.y0 and box.y1 <= inside.y1
    for text in legend.get_texts():
        extent = text.get_window_extent(renderer)
        assert inside.x0 <= extent.x0 and extent.x1 <= inside.x1, text.get_text()
        assert inside.y0 <= extent.y0 and extent.y1 <= inside.y1, text.get_text()
    plot = figure.axes[0].get_window_extent(renderer)
    assert box.x0 >= plot.x1 - 1                    # beside the plot, not over the lines


def test_a_short_label_stays_on_one_line():
    figure = phase_lines(TABLE, codes=["c12", "c0"])
    texts = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert texts[0] == "Short" and texts[1].count("\n") == 1


def _rated(by: str, groups: list[str]) -> pd.DataFrame:
    """A code_by table of two rating variables whose values share their labels."""
    codes = [("confidence", None, "Confidence"), ("confidence.low", "confidence", "Low"),
             ("confidence.high", "confidence", "High"), ("trust", None, "Trust"),
             ("trust.low", "trust", "Low"), ("trust.high", "trust", "High")]
    return pd.DataFrame([{"code_id": c, "parent_id": p, "codable": True, "label": label,
                          by: g, "share": 0.1 * n, "segments": n}
                         for n, (c, p, label) in enumerate(codes) for g in groups])


def test_codes_sharing_a_label_are_told_apart_by_their_parent_in_the_charts():
    # two variables with values Low and High: rows "Low", "High", "Low", "High" could
    # not be told apart, so each is named with its parent's label
    figure = code_heatmap(_rated("site", ["North", "South"]), "site")
    rows = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert rows == ["Confidence", "Low (Confidence)", "High (Confidence)", "Trust",
                    "Low (Trust)", "High (Trust)"]
    figure = phase_lines(_rated("phase", ["kickoff", "closing"]),
                         codes=["confidence.low", "trust.low"])
    texts = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert texts == ["Low (Confidence)", "Low (Trust)"]


def test_distinct_labels_keep_unique_ones_and_fall_back_on_the_id():
    labels = {"a": "Other", "a.x": "Other", "b": "Other", "c": "Cost"}
    parents = {"a": None, "a.x": "a", "b": None, "c": None}
    assert distinct_labels(labels, parents) == {
        "a": "Other (a)", "a.x": "Other (a.x)", "b": "Other (b)", "c": "Cost"}


def test_values_of_variables_are_told_apart_by_their_category_in_the_heatmap():
    # a variable's parent is a category (codable: false), left out of the heatmap's rows:
    # its values read "Low (confidence.low)" there and "Low (Confidence)" in the report
    table = _rated("site", ["North", "South"])
    table["codable"] = table["parent_id"].notna()
    figure = code_heatmap(table, "site")
    rows = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert rows == ["Low (Confidence)", "High (Confidence)", "Low (Trust)", "High (Trust)"]
