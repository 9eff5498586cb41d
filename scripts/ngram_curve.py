"""The counting baselines on tinyshakespeare: validation nats/char by Kneser-Ney order.

    python scripts/ngram_curve.py [--text ../shared/data/tinyshakespeare.txt]
                                  [--out tutorial/results/ngram-shakespeare.json]

Splits the text as every language score does (first 90% trains, last 10% validates), then
writes the unigram's score, each order's validation score (orders 1 to 8), each order's
score on the training part's tail (fit on the rest) and the order that tail chooses.
Order n is an n-gram: n - 1 characters of context.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

from rnnlab.runtime.files import write_text
from rnnlab.runtime.text.corpus import Vocabulary, read_text, split
from rnnlab.runtime.text.ngram import DISCOUNT, ORDERS, KneserNey, choose_order, unigram_nats

COMMAND = "python scripts/ngram_curve.py"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", type=Path, default=Path("../shared/data/tinyshakespeare.txt"))
    parser.add_argument("--out", type=Path,
                        default=Path("tutorial/results/ngram-shakespeare.json"))
    args = parser.parse_args(argv)
    train_text, val_text = split(read_text(args.text))
    vocab = Vocabulary.of(train_text)
    train, val = vocab.encode(train_text), vocab.encode(val_text, "validation text")
    started = time.perf_counter()
    chosen, tail = choose_order(train, len(vocab))
    validation = {n: KneserNey(train, n, len(vocab)).nats(val) for n in ORDERS}
    result = {
        "command": COMMAND, "text": args.text.name, "train_chars": len(train),
        "val_chars": len(val), "vocab": len(vocab), "discount": DISCOUNT,
        "order_means": "n-gram of n characters: n - 1 characters of context",
        "unigram": unigram_nats(train, val, len(vocab)),
        "validation": {str(n): v for n, v in validation.items()},
        "bits_per_char": {str(n): v / math.log(2) for n, v in validation.items()},
        "training_tail": {str(n): v for n, v in tail.items()},
        "chosen_order": chosen, "chosen_validation": validation[chosen],
        "seconds": round(time.perf_counter() - started, 1),
    }
    write_text(args.out, json.dumps(result, indent=2) + "\n")
    print(f"unigram {result['unigram']:.3f}; Kneser-Ney by order: "
          + ", ".join(f"{n}: {v:.3f}" for n, v in validation.items())
          + f"; order {chosen} chosen on the training tail -> {args.out}")


if __name__ == "__main__":
    main()
