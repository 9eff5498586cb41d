"""Dates after the known days: the exchange's trading days (rnnlab/runtime/prices/calendar.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import rnnlab
from rnnlab.runtime.card import Card
from rnnlab.runtime.prices.calendar import exchange_holidays, trading_days_after
from rnnlab.runtime.prices.table import read_csv


def test_trading_days_skip_weekends_and_the_exchanges_holidays():
    year = trading_days_after(np.datetime64("2016-12-30"), 251).astype(str)
    assert year[0] == "2017-01-03" and year[-1] == "2017-12-29"  # 2017-01-02: New Year's
    assert not {"2017-04-14", "2017-11-23", "2017-12-25"} & set(year)  # Good Friday, ...
    sandy = trading_days_after(np.datetime64("2012-10-26"), 2).astype(str).tolist()
    assert sandy == ["2012-10-31", "2012-11-01"]  # closed Monday and Tuesday
    # from a Saturday or a holiday: the first trading day after it
    assert str(trading_days_after(np.datetime64("2017-12-30"), 1)[0]) == "2018-01-02"
    assert str(trading_days_after(np.datetime64("2017-12-25"), 1)[0]) == "2017-12-26"


def test_an_exchange_without_a_calendar_is_refused():
    with pytest.raises(rnnlab.RnnlabError, match="exchange 'XXXX': no trading calendar.*NYSE"):
        exchange_holidays("XXXX", 2017, 2017)


def test_ibm_traded_on_exactly_the_nyse_calendars_days(ibm_csv):
    dates = read_csv(ibm_csv, ("High",)).dates
    calendar = trading_days_after(dates[0] - 1, len(dates))
    np.testing.assert_array_equal(calendar, dates)  # 3020 days, 2006-01-03 to 2017-12-29


def test_the_main_job_generates_2017_without_a_warning(cli):
    code, text, err = cli("generate", "--json")
    assert code == 0 and err == ""
    dates = json.loads(text)["dates"]
    assert (len(dates), dates[0], dates[-1]) == (251, "2017-01-03", "2017-12-29")


def test_the_card_names_its_exchange():
    card = rnnlab.load().card
    assert card.exchange == "NYSE"  # the default for files written before the field
    props = {**card.to_props(), "rnnlab.exchange": json.dumps("nyse; rm")}
    with pytest.raises(rnnlab.RnnlabError, match="exchange: must be an exchange code"):
        Card.from_props(props, "x.onnx")
