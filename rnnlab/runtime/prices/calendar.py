"""Trading days: weekdays that are not one of the exchange's holidays.

The holidays are those of the ``holidays`` package's financial calendars
(``holidays.financial_holidays("NYSE")``: New Year's Day, Good Friday, Thanksgiving, ...,
and one-off closures such as Hurricane Sandy's two days), imported on first use. Forecast
and generated dates after the known days are the exchange's next trading days; the try-it
page gets the same holiday list in its data (tutorial/hooks/live.py), so its dates agree.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from rnnlab.runtime.errors import RnnlabError

#: The exchange the shipped models' prices (IBM, AAPL, GOOGL) trade on; a card's default.
EXCHANGE = "NYSE"


@lru_cache(maxsize=8)
def exchange_holidays(exchange: str, first_year: int, last_year: int) -> np.ndarray:
    """``(k,)`` datetime64[D], ascending: the exchange's weekday closures in those years."""
    import holidays

    try:
        days = holidays.financial_holidays(exchange, years=range(first_year, last_year + 1))
    except NotImplementedError:
        raise RnnlabError(f"exchange '{exchange}': no trading calendar for it in the holidays "
                          f"package; use one of {', '.join(holidays.list_supported_financial())}"
                          ) from None
    dates = np.array(sorted(days), dtype="datetime64[D]")
    return dates[np.is_busday(dates)]


def trading_days_after(date: np.datetime64, count: int, exchange: str = EXCHANGE) -> np.ndarray:
    """``(count,)`` datetime64[D]: the ``count`` trading days after ``date``."""
    start = np.datetime64(date, "D")
    year = start.astype("datetime64[Y]").astype(int) + 1970
    # 252 trading days a year at most: years enough to hold them, and one more
    closed = exchange_holidays(exchange, int(year), int(year + count // 240 + 1))
    return np.busday_offset(start, np.arange(1, count + 1), roll="backward", holidays=closed)
