#!/usr/bin/env python3
"""mkrpmndb.py — write rpm's ndb Packages.db from header blobs.

rpm's ndb backend (SUSE's default; Debian's rpm is built without it, so the
tests cannot ask rpm to write one) stores each header blob in a file laid out
as lib/backend/ndb/rpmpkg.c reads it, all integers little-endian:

  slot pages (4096 bytes each): the first 32 bytes are the header
      "RpmP", version 0, generation, slot page count, next package index;
    then 16-byte slots "Slot", pkgidx, blkoff, blkcnt (blkoff 0 = free)
  blobs at blkoff * 16, blkcnt 16-byte blocks each:
      head "BlbS", pkgidx, timestamp, bloblen; the blob; zero padding;
      tail adler32(head + blob + padding), bloblen, "BlbE"

Usage: mkrpmndb.py OUT.db HEXBLOB...   (one header blob per argument, in hex,
as `sqlite3 rpmdb.sqlite 'select hex(blob) from Packages'` prints them).
"""
import struct
import sys
import zlib

PAGE, BLK = 4096, 16


def le(*v):
    return struct.pack("<%dI" % len(v), *v)


def build(blobs):
    slotnpages = 1
    out = bytearray(PAGE * slotnpages)
    blk = slotnpages * PAGE // BLK
    body = bytearray()
    slots = []
    for i, blob in enumerate(blobs, start=1):
        head = b"BlbS" + le(i, 1700000000, len(blob))
        n = (16 + len(blob) + 12 + BLK - 1) // BLK
        pad = n * BLK - (16 + len(blob) + 12)
        framed = head + blob + b"\0" * pad
        tail = le(zlib.adler32(framed) & 0xffffffff, len(blob)) + b"BlbE"
        slots.append((i, blk, n))
        body += framed + tail
        blk += n
    out[0:32] = b"RpmP" + le(0, 1, slotnpages, len(blobs) + 1) + b"\0" * 12
    for k in range(32, PAGE, 16):          # every slot carries its magic, free or not
        out[k:k + 4] = b"Slot"
    for k, (idx, off, cnt) in enumerate(slots):
        o = 32 + 16 * k
        out[o:o + 16] = b"Slot" + le(idx, off, cnt)
    return bytes(out) + bytes(body)


if __name__ == "__main__":
    with open(sys.argv[1], "wb") as f:
        f.write(build([bytes.fromhex(h) for h in sys.argv[2:]]))
