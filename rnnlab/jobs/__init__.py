"""Independent training jobs, run in parallel: the seeds of ``rnnlab train`` and the folds of a
walk-forward backtest, in local processes (``workers``) or on a Dask cluster (``cluster``),
finished folds kept in SQLite (``store``) so a backtest resumes. PyTorch is needed in the
processes that train, through :mod:`rnnlab.training`.
"""
