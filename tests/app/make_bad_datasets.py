#!/usr/bin/env python3
"""Writes the bad datasets of the catalogue (docs/reliability.md) whose file names are those of
datasets that may not be shipped (ratings.dat, u.data, sequences.txt): they are made here, into
the build folder, with made-up ids, instead of being committed. Usage: make_bad_datasets.py DIR"""
import gzip
import pathlib
import sys

out = pathlib.Path(sys.argv[1])
files = {
    # line 3: a movie id that is not an integer
    "dat/ratings.dat": b"1::10::5::1000000001\n1::20::3::1000000002\n2::x3::4::1000000003\n",
    # line 2: three fields instead of four
    "udata/u.data": b"1\t10\t3\t1000000001\n2\t20\t3\n",
    # line 2: a user without items
    "seq-noitems/sequences.txt": b"1 2 3 4\n2\n3 4 5\n",
    # line 3: ISO-8859-1 text (0xE9), not UTF-8
    "latin1/sequences.txt": b"1 2 3\n2 3 4\ncaf\xe9 5 6\n",
    # a gzip stream cut after 20 bytes
    "gz/sequences.txt.gz": gzip.compress(b"1 2 3 4\n2 3 4 5\n" * 4, mtime=0)[:20],
}
for name, data in files.items():
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
