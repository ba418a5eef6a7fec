"""The 2-D map of a clustering as a matplotlib Figure (no pyplot, like
:mod:`dialogcode.charts`): every segment at its first two principal components,
coloured by cluster, with each cluster's number at its centre and its label in the
legend."""
from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from .cluster import Clustering

MAX_POINTS = 20_000   # more segments are drawn as a seeded sample


def cluster_map(result: Clustering) -> Figure:
    """Scatter of ``result.assignments`` (x, y) coloured by cluster, each cluster's
    number at its median point; the legend gives each cluster's label (its nearest
    code for a pattern gap) and size."""
    points = result.assignments
    if len(points) > MAX_POINTS:
        points = points.sample(MAX_POINTS, random_state=result.seed).sort_index()
    palette = colormaps["tab20"]
    figure = Figure(figsize=(10, 6), layout="constrained")
    axes = figure.add_subplot()
    for row in result.clusters.itertuples():
        colour = palette((row.cluster_id - 1) % palette.N)
        shown = points[points["cluster_id"] == row.cluster_id]
        note = f"gap: {row.nearest_code}" if row.kind == "pattern gap" else row.label
        axes.scatter(shown["x"], shown["y"], color=colour, s=8, alpha=0.6, linewidths=0,
                     label=f"{row.cluster_id}. {note} ({row.size})")
        members = result.assignments[result.assignments["cluster_id"] == row.cluster_id]
        axes.annotate(str(row.cluster_id), (np.median(members["x"]), np.median(members["y"])),
                      fontsize=8, fontweight="bold", ha="center", va="center",
                      bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": colour,
                            "alpha": 0.85})
    axes.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False,
                markerscale=2)
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(f"{len(result.clusters)} clusters of {len(result.assignments)} "
                   f"segments (scope: {result.scope})", loc="left", fontsize=11)
    return figure
