"""Scores, always beside baselines on the same days: accuracy in price units (``metrics``),
the baselines that read what a model reads (``baselines``), generated paths as distributions
(``paths``), conformal intervals (``conformal``), how sure a ratio is (``significance``) and
the warnings when a result should not be trusted (``plausibility``). Numpy only.
"""
