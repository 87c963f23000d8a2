"""model/images/atlas.py: a thumbnail block file carries exactly its digits, in order, as a greyscale PNG."""

from __future__ import annotations

import numpy as np
import pytest

from model.images.atlas import block_file, unpack_block


def test_block_file_round_trips_its_digits_in_order():
    """Every tile of the block's PNG is the digit at its index, in the order given."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (50, 28, 28), dtype=np.uint8)
    indices, tiles = unpack_block(block_file(x, [7, 3, 49, 0, 12]))
    assert indices == [7, 3, 49, 0, 12]
    assert (tiles == x[[7, 3, 49, 0, 12]]).all()


@pytest.mark.parametrize("n", [0, 1, 2, 17, 256])
def test_block_file_of_any_count(n):
    """Empty, one digit, and counts that do not fill the grid's last row all come back exactly."""
    x = np.random.default_rng(n).integers(0, 256, (300, 28, 28), dtype=np.uint8)
    indices, tiles = unpack_block(block_file(x, range(n)))
    assert indices == list(range(n)) and tiles.shape == (n, 28, 28)
    assert (tiles == x[:n]).all()


def test_unpack_refuses_other_bytes():
    """Bytes that are not a block file are refused with a ValueError."""
    with pytest.raises(ValueError):
        unpack_block(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
