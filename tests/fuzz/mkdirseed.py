#!/usr/bin/env python3
"""mkdirseed.py — a tarball as a seed for fuzz_inventory_dir (its record
format is described at the top of tests/fuzz/fuzz_inventory_dir.c).

    mkdirseed.py IMAGE.tar OUT        # e.g. an image mkimage.py wrote

Directories, regular files (at most 65535 bytes) and symlinks become
records, in tarball order; anything else is left out.
"""
import struct
import sys
import tarfile


def record(kind, name, data):
    nb = name.encode("utf-8", "surrogateescape")
    if not nb or len(nb) > 255 or len(data) > 65535:
        return b""
    return bytes([kind, len(nb)]) + nb + struct.pack("<H", len(data)) + data


def main(src, out):
    chunks = []
    with tarfile.open(src) as t:
        for m in t:
            name = m.name
            while name.startswith("./"):
                name = name[2:]
            if m.isdir():
                chunks.append(record(1, name.rstrip("/"), b""))
            elif m.isfile():
                chunks.append(record(0, name, t.extractfile(m).read()))
            elif m.issym():
                chunks.append(record(2, name, m.linkname.encode("utf-8", "surrogateescape")))
    with open(out, "wb") as f:
        f.write(b"".join(chunks))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
