"""Intercoder agreement: how far two or more codings of the same segments agree.

- :mod:`.compare`: :func:`agree`, the rows researchers report (codes, variables, groups).
- :mod:`.statistics`: the coefficients and their bootstrap intervals, also for plain
  coders x units arrays (:func:`krippendorff_alpha`, :func:`cohen_kappa`, ...).
- :mod:`.coverage`: which segments each coder read, and where their codings fall.
- :mod:`.scheme`: variables (``exclusive`` parents), groups and roll-up from a codebook.
- :mod:`.groups`: cu-alpha of a group of codes.
- :mod:`.units`: choosing the units (speaker, site, document, any column).
- :mod:`.disagreements`: the tables for a reconciliation meeting.
"""
from .compare import DRAWS, MIN_UNITS, UNITS, Agreement, agree
from .rows import ALL_CODES
from .statistics import (LEVELS, brennan_prediger, cohen_kappa, fleiss_kappa,
                         krippendorff_alpha, light_kappa, percent_agreement)
from .units import Selection, SelectionError, select_units

__all__ = ["ALL_CODES", "DRAWS", "LEVELS", "MIN_UNITS", "UNITS", "Agreement", "Selection",
           "SelectionError", "agree", "brennan_prediger", "cohen_kappa", "fleiss_kappa",
           "krippendorff_alpha", "light_kappa", "percent_agreement", "select_units"]
