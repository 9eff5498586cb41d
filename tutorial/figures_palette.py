"""The tutorial's colours with a meaning: one colour, one meaning, in every figure.

Every figure script takes these names instead of writing the colours itself
(``tests/test_figure_colors.py`` checks it), so that red never means "the data" in one
figure and "the gradient" in another.
"""

#: Real, observed data: the true prices, the marked values of the adding problem.
REAL = "tab:red"
#: Gradients and everything that flows backward (BPTT).
GRADIENT = "darkviolet"
#: The recurrent connection: the state carried forward from one step to the next.
RECURRENT = "teal"

MEANINGS = {REAL: "real data", GRADIENT: "gradients, backward", RECURRENT: "recurrent state"}
