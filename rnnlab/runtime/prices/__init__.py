"""Price I/O in one place: a price table (:class:`table.Prices`) read from a CSV, a pandas
DataFrame or a caller's arrays, with strict cells and the exchange's trading calendar.

Numpy and the standard library only (pandas only when a DataFrame is passed).
"""
