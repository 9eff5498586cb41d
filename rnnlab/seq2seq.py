"""Sequence to sequence on a task with an exact answer: reverse a string of digits.

An encoder GRU reads the digits; a decoder GRU cell writes them back in reverse order, one
token at a time, each step reading the previous token and a *context* vector. Without
attention the context is the encoder's last state at every step (Cho et al. 2014): one
fixed-size vector must hold the whole input. With additive attention (Bahdanau et al. 2015)
each step computes its own context, a weighted mean of all the encoder's states.

Tokens: ``PAD = 0``, ``BOS = 1`` (the decoder's first input), ``EOS = 2`` (ends an output),
digits ``0..9`` are ``3..12``. Sequences are ``(time, batch)`` of token ids, padded with PAD
at the end; states are ``(time, batch, hidden)``.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

PAD, BOS, EOS = 0, 1, 2
VOCAB = 13


def reversal_batch(batch: int, lengths: tuple[int, int], generator: torch.Generator
                   ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Random digit strings with lengths uniform in ``lengths`` (inclusive), and their reversal.

    Returns ``source (max_len, batch)``, ``source_lengths (batch,)`` and
    ``target (max_len + 1, batch)``: the reversed digits then EOS, both padded with PAD.
    """
    low, high = lengths
    n = torch.randint(low, high + 1, (batch,), generator=generator)
    digits = torch.randint(3, VOCAB, (high, batch), generator=generator)
    steps = torch.arange(high).unsqueeze(1)
    source = torch.where(steps < n, digits, PAD)[: int(n.max())]
    # target position k holds source position n - 1 - k, then EOS at position n
    back = (n - 1 - steps).clamp(min=0)
    target = torch.where(steps < n, digits.gather(0, back), PAD)
    target = torch.cat([target, torch.full((1, batch), PAD)])
    target[n, torch.arange(batch)] = EOS
    return source, n, target[: int(n.max()) + 1]


def to_text(tokens: list[int] | torch.Tensor) -> str:
    """Token ids -> the digits they spell, up to the first EOS (PAD and BOS skipped)."""
    text = []
    for token in [int(t) for t in tokens]:
        if token == EOS:
            break
        if token >= 3:
            text.append(str(token - 3))
    return "".join(text)


class Memory(NamedTuple):
    """What the decoder reads from the encoder, for a batch of source strings."""

    states: torch.Tensor  #: ``(src, batch, hidden)``, the encoder's state after each digit
    last: torch.Tensor  #: ``(batch, hidden)``, the state after each string's last digit
    mask: torch.Tensor  #: ``(src, batch)``, True on digits, False on padding
    #: ``(src, batch, hidden)``: attention's ``U h_j + b``, made once per string (without
    #: attention, the states themselves, unused)
    keys: torch.Tensor

    def expand(self, n: int) -> Memory:
        """The memory of one string ``(batch 1)`` repeated for ``n`` decoder states."""
        return Memory(self.states.expand(-1, n, -1), self.last.expand(n, -1),
                      self.mask.expand(-1, n), self.keys.expand(-1, n, -1))


class AdditiveAttention(nn.Module):
    """``score_j = v . tanh(W s + U h_j)``, ``alpha = softmax(score)`` over the source,
    ``context = sum_j alpha_j h_j`` (Bahdanau et al. 2015)."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.w = nn.Linear(hidden, hidden, bias=False)
        self.u = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, 1, bias=False)

    def forward(self, s: torch.Tensor, memory: Memory) -> tuple[torch.Tensor, torch.Tensor]:
        """Decoder state ``s (batch, hidden)`` -> context ``(batch, hidden)`` and weights
        ``alpha (src, batch)``, zero on padding."""
        # score_j = v . tanh(W s + U h_j), with U h_j + b precomputed as memory.keys
        scores = self.v(torch.tanh(self.w(s) + memory.keys)).squeeze(-1)
        alpha = torch.softmax(scores.masked_fill(~memory.mask, float("-inf")), dim=0)
        # c = sum_j alpha_j h_j
        return (alpha.unsqueeze(-1) * memory.states).sum(dim=0), alpha


class Seq2Seq(nn.Module):
    """GRU encoder, GRU-cell decoder; ``attention=False`` feeds the encoder's last state as the
    context of every step, ``attention=True`` an additive-attention context."""

    def __init__(self, hidden: int = 64, embed: int = 32, attention: bool = True) -> None:
        super().__init__()
        self.embed = nn.Embedding(VOCAB, embed, padding_idx=PAD)
        self.encoder = nn.GRU(embed, hidden)
        self.decoder = nn.GRUCell(embed + hidden, hidden)
        self.attention = AdditiveAttention(hidden) if attention else None
        self.out = nn.Linear(2 * hidden, VOCAB)

    def encode(self, source: torch.Tensor, lengths: torch.Tensor) -> Memory:
        """``source (src, batch)`` of ``lengths (batch,)`` digits -> the decoder's memory."""
        states, _ = self.encoder(self.embed(source))
        last = states[lengths - 1, torch.arange(source.shape[1])]
        mask = torch.arange(source.shape[0]).unsqueeze(1) < lengths
        keys = states if self.attention is None else self.attention.u(states)
        return Memory(states, last, mask, keys)

    def step(self, token: torch.Tensor, s: torch.Tensor, memory: Memory
             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """One decoder step: previous ``token (batch,)``, state ``s (batch, hidden)`` ->
        logits ``(batch, VOCAB)``, the new state, attention weights ``(src, batch)`` or None."""
        alpha = None
        if self.attention is None:
            context = memory.last
        else:
            context, alpha = self.attention(s, memory)
        # s_t = GRUCell([embed(y_{t-1}); c_t], s_{t-1})
        s = self.decoder(torch.cat([self.embed(token), context], dim=-1), s)
        # p(y_t) = softmax(W_o [s_t; c_t] + b_o)
        return self.out(torch.cat([s, context], dim=-1)), s, alpha

    def forward(self, source: torch.Tensor, lengths: torch.Tensor, target: torch.Tensor
                ) -> torch.Tensor:
        """Teacher forcing: step ``t`` reads the true ``target[t-1]`` (BOS first), whatever
        the model predicted. Returns logits ``(tgt, batch, VOCAB)``."""
        memory = self.encode(source, lengths)
        s = memory.last
        inputs = torch.cat([torch.full_like(target[:1], BOS), target[:-1]])
        logits = []
        for token in inputs:
            step_logits, s, _ = self.step(token, s, memory)
            logits.append(step_logits)
        return torch.stack(logits)


def loss(model: Seq2Seq, source: torch.Tensor, lengths: torch.Tensor, target: torch.Tensor
         ) -> torch.Tensor:
    """Teacher-forced cross-entropy per target token (PAD ignored), in nats."""
    logits = model(source, lengths, target)
    return F.cross_entropy(logits.flatten(0, 1), target.flatten(), ignore_index=PAD)


@torch.no_grad()
def greedy(model: Seq2Seq, source: torch.Tensor, lengths: torch.Tensor, max_steps: int
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """Free running: each step reads the model's own previous argmax. Returns tokens
    ``(max_steps, batch)`` and attention weights ``(max_steps, src, batch)`` (zeros without
    attention)."""
    memory = model.encode(source, lengths)
    s, token = memory.last, torch.full((source.shape[1],), BOS)
    tokens, weights = [], []
    for _ in range(max_steps):
        logits, s, alpha = model.step(token, s, memory)
        token = logits.argmax(dim=-1)
        tokens.append(token)
        weights.append(torch.zeros_like(memory.mask, dtype=s.dtype) if alpha is None
                       else alpha)
    return torch.stack(tokens), torch.stack(weights)


@torch.no_grad()
def beam_search(model: Seq2Seq, source: torch.Tensor, length: int, max_steps: int,
                width: int = 5) -> list[int]:
    """The most probable output of one string ``source (src, 1)`` of ``length`` digits found
    by keeping the ``width`` best prefixes at each step (score: the sum of log-probabilities;
    a prefix that ends with EOS is finished). Returns its token ids, EOS excluded."""
    memory = model.encode(source, torch.tensor([length]))
    # the live prefixes: their scores, tokens and decoder states (width, hidden)
    scores, prefixes, s = torch.zeros(1), [[BOS]], memory.last
    finished: list[tuple[float, list[int]]] = []
    for _ in range(max_steps):
        n = len(prefixes)
        logits, s, _ = model.step(torch.tensor([p[-1] for p in prefixes]), s,
                                  memory.expand(n))
        # score(y_1..y_t) = score(y_1..y_{t-1}) + log p(y_t | y_<t, x)
        candidates = (scores.unsqueeze(1) + logits.log_softmax(-1)).flatten()
        top = candidates.topk(width)
        rows, tokens = top.indices // VOCAB, top.indices % VOCAB
        live = tokens != EOS
        finished += [(float(score), prefixes[row][1:]) for score, row, ok
                     in zip(top.values, rows.tolist(), live, strict=True) if not ok]
        if not live.any() or (finished and max(f[0] for f in finished)
                              >= float(top.values[live].max())):
            break  # scores only fall: no live prefix can beat the best finished one
        prefixes = [prefixes[row] + [int(token)] for row, token
                    in zip(rows[live].tolist(), tokens[live], strict=True)]
        scores, s = top.values[live], s[rows[live]]
    return max(finished, key=lambda f: f[0])[1] if finished else prefixes[0][1:]
