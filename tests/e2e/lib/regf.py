#!/usr/bin/env python3
"""regf.py — write Windows registry hive files (regf format) for tests.

libhivex can only modify an existing hive and Debian ships none, so tests
build their own.  This writer produces the real on-disk format that Windows
and libhivex read (documented in libhivex's lib/hivex-internal.h and in
Joachim Metz's "Windows NT Registry File (REGF) format specification"):

  base block (4096 bytes)  "regf", sequence numbers, version 1.5, the root
                           cell offset, the size of the hive bins, and an
                           XOR checksum of its first 508 bytes
  one hbin                 "hbin" header (32 bytes), then cells: each cell
                           is a signed 32-bit size (negative = in use,
                           8-byte aligned) followed by a record:
    nk   a key: flags, parent, subkey count + list, value count + list,
         security (sk), name (ASCII, flag 0x20)
    lf   a subkey list: (nk offset, first 4 name bytes) pairs, sorted by
         upper-cased name as Windows requires
    vk   a value: name, type, data size (top bit set: <= 4 bytes inline)
         and data offset
         (value lists are plain cells of vk offsets; data is a plain cell)
    sk   one shared security descriptor (a minimal self-relative one)

Offsets are relative to the first hbin (file offset 4096).  Only what the
tests need is written: no big-data (db) records, so each value is at most
16 KiB.

A hive is described as nested dicts: a key maps subkey names to dicts, and
names starting with '@' are values, given as {"sz": str}, {"expand_sz":
str}, {"dword": int}, {"qword": int}, {"multi_sz": [str]} or
{"binary_hex": "..."}:

    {"Microsoft": {"Windows NT": {"CurrentVersion": {
        "@ProductName": {"sz": "Windows Server 2019 Datacenter"},
        "@CurrentBuildNumber": {"sz": "17763"},
        "@UBR": {"dword": 1879}}}}}

Use:  python3 regf.py SPEC.json OUT.hive     (or import and call build())
"""
import json
import struct
import sys

REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_MULTI_SZ, REG_QWORD = 1, 2, 3, 4, 7, 11
HBIN_BASE = 4096


def _value_bytes(v):
    if "sz" in v:
        return REG_SZ, (v["sz"] + "\0").encode("utf-16-le")
    if "expand_sz" in v:
        return REG_EXPAND_SZ, (v["expand_sz"] + "\0").encode("utf-16-le")
    if "dword" in v:
        return REG_DWORD, struct.pack("<I", v["dword"] & 0xFFFFFFFF)
    if "qword" in v:
        return REG_QWORD, struct.pack("<Q", v["qword"])
    if "multi_sz" in v:
        return REG_MULTI_SZ, ("\0".join(v["multi_sz"]) + "\0\0").encode("utf-16-le")
    if "binary_hex" in v:
        return REG_BINARY, bytes.fromhex(v["binary_hex"])
    raise ValueError("unknown value kind: %r" % (v,))


class _Cells:
    """Allocates cells in one growing hbin body."""

    def __init__(self):
        self.buf = bytearray()

    def alloc(self, payload):
        size = (4 + len(payload) + 7) & ~7
        off = 0x20 + len(self.buf)          # offset relative to the hbin start
        self.buf += struct.pack("<i", -size) + payload + b"\0" * (size - 4 - len(payload))
        return off

    def patch(self, off, at, fmt, *vals):
        struct.pack_into(fmt, self.buf, off - 0x20 + 4 + at, *vals)


def build(tree, name="SOFTWARE"):
    cells = _Cells()
    # The security descriptor: revision 1, control SE_SELF_RELATIVE |
    # SE_DACL_PRESENT with a NULL DACL (everyone), no owner or group.
    sd = struct.pack("<BBHIIII", 1, 0, 0x8004, 0, 0, 0, 0)
    sk = cells.alloc(b"sk" + struct.pack("<HIIII", 0, 0, 0, 0, len(sd)) + sd)
    cells.patch(sk, 4, "<II", sk, sk)      # flink/blink: a one-element ring
    refs = [0]

    def key(tree, kname, parent, root):
        subkeys = sorted(((k, v) for k, v in tree.items() if not k.startswith("@")),
                         key=lambda kv: kv[0].upper())
        values = [(k[1:], v) for k, v in tree.items() if k.startswith("@")]
        nb = kname.encode("latin-1")
        flags = 0x2C if root else 0x20
        nk = cells.alloc(b"nk" + struct.pack(
            "<HQIIIIIIIIIIHHIIIIHH", flags, 0, 0, parent, len(subkeys), 0, 0xFFFFFFFF,
            0xFFFFFFFF, len(values), 0xFFFFFFFF, sk, 0xFFFFFFFF, 0, 0, 0, 0, 0, 0,
            len(nb), 0) + nb)
        refs[0] += 1
        children = [(k, key(v, k, nk, False)) for k, v in subkeys]
        if children:
            body = b"lf" + struct.pack("<H", len(children))
            for k, off in children:
                body += struct.pack("<I", off) + k.encode("latin-1")[:4].ljust(4, b"\0")
            cells.patch(nk, 28, "<I", cells.alloc(body))
            cells.patch(nk, 52, "<H", max(len(k) * 2 for k, _ in children))
        if values:
            vks = []
            maxname = maxdata = 0
            for vname, v in values:
                vtype, data = _value_bytes(v)
                vb = vname.encode("latin-1")
                if len(data) <= 4:
                    dlen, doff = 0x80000000 | len(data), struct.unpack("<I", data.ljust(4, b"\0"))[0]
                else:
                    dlen, doff = len(data), cells.alloc(data)
                vks.append(cells.alloc(b"vk" + struct.pack("<HIIIHH", len(vb), dlen, doff, vtype,
                                                            1, 0) + vb))
                maxname, maxdata = max(maxname, len(vb) * 2), max(maxdata, len(data))
            cells.patch(nk, 40, "<I", cells.alloc(struct.pack("<%dI" % len(vks), *vks)))
            cells.patch(nk, 60, "<II", maxname, maxdata)
        return nk

    root = key(tree, "ROOT", 0, True)
    cells.patch(sk, 12, "<I", refs[0])     # every key shares the one descriptor

    body = bytes(cells.buf)
    size = (0x20 + len(body) + 4095) & ~4095
    free = size - 0x20 - len(body)
    if free:
        body += struct.pack("<i", free) + b"\0" * (free - 4)
    hbin = b"hbin" + struct.pack("<IIQQI", 0, size, 0, 0, 0) + body

    base = bytearray(4096)
    base[0:4] = b"regf"
    struct.pack_into("<IIQIIIIIII", base, 4, 1, 1, 0, 1, 5, 0, 1, root, size, 1)
    fname = name.encode("utf-16-le")[:64]
    base[0x30:0x30 + len(fname)] = fname
    csum = 0
    for i in range(0, 0x1FC, 4):
        csum ^= struct.unpack_from("<I", base, i)[0]
    if csum == 0xFFFFFFFF:
        csum = 0xFFFFFFFE
    elif csum == 0:
        csum = 1
    struct.pack_into("<I", base, 0x1FC, csum)
    return bytes(base) + hbin


def software_hive(product=None, build_number=None, ubr=None, major=10, minor=0, kbs=(), extra=None):
    """A SOFTWARE hive with the keys palisade reads.  kbs: ("KB5005568",
    ...) or (("KB5005568", state), ...) where state is CurrentState."""
    cv = {}
    if product is not None:
        cv["@ProductName"] = {"sz": product}
    if build_number is not None:
        cv["@CurrentBuildNumber"] = {"sz": str(build_number)}
        cv["@CurrentBuild"] = {"sz": str(build_number)}
    if ubr is not None:
        cv["@UBR"] = {"dword": ubr}
    if major is not None:
        cv["@CurrentMajorVersionNumber"] = {"dword": major}
    if minor is not None:
        cv["@CurrentMinorVersionNumber"] = {"dword": minor}
    packages = {}
    for kb in kbs:
        kb, state = (kb, 112) if isinstance(kb, str) else kb
        packages["Package_for_%s~31bf3856ad364e35~amd64~~10.0.1.%d" % (kb, len(packages))] = {
            "@CurrentState": {"dword": state}, "@InstallName": {"sz": kb + ".mum"}}
    tree = {"Microsoft": {"Windows NT": {"CurrentVersion": cv}}}
    if kbs:
        tree["Microsoft"]["Windows"] = {"CurrentVersion": {"Component Based Servicing": {
            "Packages": packages}}}
    if extra:
        tree.update(extra)
    return build(tree)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: regf.py SPEC.json OUT.hive")
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    with open(sys.argv[2], "wb") as f:
        f.write(build(spec))
