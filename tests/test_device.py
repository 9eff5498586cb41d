"""--device cuda without a visible GPU: one line that says what to use instead, no file."""

from __future__ import annotations

import pytest
import torch


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA GPU is visible here")
def test_cuda_without_a_gpu_is_a_one_line_error(cli, prices_csv, tmp_path):
    out = tmp_path / "model.pt"
    code, stdout, err = cli("train", "--csv", prices_csv, "--split", "2015-08-01", "--epochs",
                            "1", "--device", "cuda", "--out", out, "--no-progress")
    assert code == 2 and stdout == ""
    assert err == "error: --device cuda: no CUDA GPU is visible; use --device cpu\n"
    assert not out.exists()
