"""Reading price CSVs: the real files' quirks and every bad input's error."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.runtime.errors import DataWarning, RnnlabError
from rnnlab.runtime.prices.table import read_csv

HEADER = "Date,Open,High,Low,Close,Volume,Name"


def write(tmp_path, *rows: str, name: str = "p.csv"):
    path = tmp_path / name
    path.write_text("\r\n".join([HEADER, *rows]) + "\r\n")
    return path


def test_reads_crlf_and_chosen_columns(tmp_path):
    path = write(tmp_path, "2020-01-02,1,2,0.5,1.5,100,X", "2020-01-03,2,3,1.5,2.5,200,X")
    prices = read_csv(path, ("High", "Volume"))
    assert prices.columns == ("High", "Volume")
    np.testing.assert_array_equal(prices.values, [[2, 100], [3, 200]])
    assert prices.dates.tolist() == [np.datetime64("2020-01-02").item(),
                                     np.datetime64("2020-01-03").item()]


def test_real_ibm_gap_is_dropped_with_its_date(ibm_csv):
    with pytest.warns(DataWarning, match="2017-07-31"):
        prices = read_csv(ibm_csv, ("Open",))
    assert np.datetime64("2017-07-31") not in prices.dates
    assert len(prices.dates) == 3019
    # High has no gap on that day: nothing dropped, no warning.
    assert len(read_csv(ibm_csv, ("High",)).dates) == 3020


def test_forward_fill_takes_previous_value(tmp_path):
    path = write(tmp_path, "2020-01-02,1,2,0.5,1.5,100,X", "2020-01-03,,3,,2.5,200,X",
                 "2020-01-06,4,5,3,4,300,X")
    with pytest.warns(DataWarning, match="2020-01-03"):
        prices = read_csv(path, ("Open", "High"), missing="ffill")
    np.testing.assert_array_equal(prices.values, [[1, 2], [1, 3], [4, 5]])


def test_forward_fill_cannot_fill_the_first_row(tmp_path):
    path = write(tmp_path, "2020-01-02,,2,0.5,1.5,100,X", "2020-01-03,1,3,1,2.5,200,X")
    with pytest.raises(RnnlabError, match="line 2.*first row"):
        read_csv(path, ("Open",), missing="ffill")


def test_unsorted_dates_are_sorted_with_a_warning(tmp_path):
    path = write(tmp_path, "2020-01-03,2,3,1.5,2.5,200,X", "2020-01-02,1,2,0.5,1.5,100,X")
    with pytest.warns(DataWarning, match="sorted"):
        prices = read_csv(path)
    np.testing.assert_array_equal(prices.column("High"), [2, 3])


def test_duplicate_dates_are_named(tmp_path):
    path = write(tmp_path, "2020-01-02,1,2,0.5,1.5,100,X", "2020-01-02,1,2,0.5,1.5,100,X")
    with pytest.raises(RnnlabError, match="duplicate dates 2020-01-02"):
        read_csv(path)


@pytest.mark.parametrize("cell, problem", [("abc", "not a plain decimal number"),
                                           ("nan", "not a value"), ("inf", "not a value")])
def test_bad_values_name_line_and_column(tmp_path, cell, problem):
    path = write(tmp_path, "2020-01-02,1,2,0.5,1.5,100,X", f"2020-01-03,1,{cell},0.5,1.5,100,X")
    with pytest.raises(RnnlabError, match=f"line 3, column High: '{cell}' is {problem}"):
        read_csv(path)


def test_missing_column_lists_the_columns(tmp_path):
    path = write(tmp_path, "2020-01-02,1,2,0.5,1.5,100,X")
    with pytest.raises(RnnlabError, match="no column 'Adj'; the columns are Date, Open, High"):
        read_csv(path, ("Adj",))


def test_missing_file_bad_date_and_policy(tmp_path):
    with pytest.raises(RnnlabError, match="no such file"):
        read_csv(tmp_path / "absent.csv")
    with pytest.raises(RnnlabError, match="line 2, column Date: '02/01/2020' is not a date"):
        read_csv(write(tmp_path, "02/01/2020,1,2,0.5,1.5,100,X"))
    with pytest.raises(RnnlabError, match="missing='zero': is unknown"):
        read_csv(write(tmp_path, "2020-01-02,1,2,0.5,1.5,100,X"), missing="zero")
