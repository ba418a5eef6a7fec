"""Words for people: a change of shares reads the same in `lessons`, the report and the
workbook."""
import openpyxl
import pandas as pd

from dialogcode.wording import points
from dialogcode.workbook import write_workbook


def test_a_change_that_rounds_to_zero_is_never_minus_zero(tmp_path):
    assert [points(v) for v in (0.041, -0.053, -0.0002, 0.0002, 0.0, None,
                                float("nan"))] == [
        "+4.1 pts", "-5.3 pts", "0.0 pts", "0.0 pts", "0.0 pts", "", ""]
    # the workbook holds points and Excel's format shows "-0.0 pts" for any negative
    # number, so a change that shows as zero is stored as zero
    table = pd.DataFrame({"lesson_id": ["a", "b", "c"], "change": [-0.0002, -0.053, None]})
    sheet = openpyxl.load_workbook(write_workbook(tmp_path / "w.xlsx", {"t": table}))["t"]
    assert [sheet[f"B{row}"].value for row in (2, 3, 4)] == [0.0, -5.3, None]
