#!/usr/bin/env python3
"""mkimage.py — build container image tarballs for palisade's tests.

Writes the tarballs `docker save` and OCI tools write, from a directory or a
JSON spec, without docker:

  layouts   docker    legacy docker save: <id>/layer.tar, <id>/json,
                      <id>/VERSION, <config-hex>.json, manifest.json,
                      repositories; a layer used twice is a symlink to the
                      first copy, as docker writes it
            docker25  Docker >= 25: manifest.json naming blobs/sha256/...,
                      plus oci-layout and index.json in the same tarball
            oci       OCI image layout only: oci-layout, index.json ->
                      manifest -> config + layers (blobs/sha256/<hex>)
  os        linux     layers hold the root filesystem as is
            windows   layers hold the C: drive under Files/ and registry
                      hives under Hives/ (Hives/Software_Delta, ...), as
                      Windows layer tarballs do; config os=windows with
                      os.version
  compression  each layer: none, gzip or zstd; the whole tarball: none,
               gzip or zstd ("outer_compress")

Quick use (a directory as the only layer):

    mkimage.py OUT.tar --dir ROOTFS [--layout docker25] [--tag app:1]
               [--compress gzip] [--os windows --os-version 10.0.17763.1879]

Many images from one process:  mkimage.py --serve  reads "SPEC.json OUT.tar"
lines on stdin and answers each with a JSON line (an "error" key on failure).

Full use:  mkimage.py OUT.tar --spec SPEC.json   where SPEC is

    {"layout": "docker", "os": "linux", "os_version": "", "arch": "amd64",
     "tags": ["app:1"],                     # RepoTags / io.containerd.image.name
     "config": {"User": "app", "Env": ["A=1"], ...},  # merged into config.config
     "history": [{"created_by": "...", "empty_layer": false}],  # default: one per layer
     "outer_compress": "none",
     "layers": [
        {"dir": "rootfs", "compress": "gzip"},      # a directory tree
        {"entries": [ENTRY, ...], "compress": "zstd"},
        {"raw_b64": "..."} | {"raw_file": "x.bin"}, # a blob used verbatim
        {"many": {"count": 1000000, "prefix": "d", "per_dir": 1000,
                  "opaque": false}, "compress": "zstd"},
        {"bomb": {"size": 1073741824}, "compress": "zstd"}
     ],                                     # each layer may also say:
                                            #  "diff_id": "sha256:..."  (config's, instead of the true one)
                                            #  "digest": "sha256:..."   (descriptor's and blob name, OCI)
                                            #  "damage": {"flip": -8} | {"truncate": 100}  (after hashing)
                                            #  "gzip_level": 0          (stored blocks)
     "manifest_override": {"Layers": ["../../etc/passwd"]},  # hostile manifests
     "config_digest": "sha256:...",         # the config's name/descriptor digest, instead of its own
     "index_override": {...}, "drop_blobs": ["config"|N],
     "nest_index": true,                    # index.json -> index -> manifest
     "sort_entries": true,                  # tarball in name order, as docker writes it
     "index_before": [DESCRIPTOR, ...]}     # listed before the image (attestations)

    ENTRY: {"path": "etc/passwd", "type": "file|dir|symlink|hardlink|char|fifo",
            "data": "text" | "data_b64": "...", "mode": 0o644, "uid": 0, "gid": 0,
            "link": "target", "path_b64": "raw name bytes", "pax": {"k": "v"},
            "hive": {... regf.py tree ...} | "software_hive": {product, build_number,
            ubr, kbs}}

Directories are packed sorted, owned by root unless "keep_owner" is set,
with hardlinks for files sharing an inode.  Everything is reproducible
(mtime 0), so digests are stable across runs.
"""
import argparse
import base64
import gzip
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regf  # noqa: E402

MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_LAYER = {"none": "application/vnd.oci.image.layer.v1.tar",
            "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
            "zstd": "application/vnd.oci.image.layer.v1.tar+zstd"}


def compress(data, how, level=6):
    if how in (None, "none"):
        return data
    if how == "gzip":
        return gzip.compress(data, compresslevel=level, mtime=0)
    if how == "zstd":
        return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, stdout=subprocess.PIPE,
                              check=True).stdout
    raise ValueError("unknown compression %r" % how)


def uncompressed_sha(raw):
    """The diff_id of a verbatim blob: the sha256 of what it decompresses
    to (gzip, zstd), or of itself when it is plain or does not decompress."""
    try:
        if raw[:2] == b"\x1f\x8b":
            return sha(gzip.decompress(raw))
        if raw[:4] == b"\x28\xb5\x2f\xfd":
            return sha(subprocess.run(["zstd", "-q", "-d", "-c"], input=raw, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, check=True).stdout)
    except (OSError, EOFError, subprocess.CalledProcessError, gzip.BadGzipFile):
        pass
    return sha(raw)


def hashed(chunks, h):
    """Passes chunks through, hashing them into h (a streamed layer's diff_id)."""
    for c in chunks:
        h.update(c)
        yield c


def damage(data, how):
    """Damages a stored blob after its digests are taken, as a bad disk or
    transfer would: {"flip": OFFSET} xors one byte (negative: from the end),
    {"truncate": N} keeps the first N bytes (negative: drops -N at the end)."""
    if not how:
        return data
    b = bytearray(data)
    if "flip" in how:
        b[how["flip"]] ^= how.get("xor", 0x01)
    if "truncate" in how:
        b = b[:how["truncate"]]
    return bytes(b)


def compress_stream(chunks, how, out):
    """Compresses an iterator of byte chunks into the file object out."""
    if how in (None, "none"):
        for c in chunks:
            out.write(c)
    elif how == "gzip":
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as g:
            for c in chunks:
                g.write(c)
    elif how == "zstd":
        p = subprocess.Popen(["zstd", "-q", "-c", "-1"], stdin=subprocess.PIPE, stdout=out)
        for c in chunks:
            p.stdin.write(c)
        p.stdin.close()
        if p.wait():
            raise RuntimeError("zstd failed")
    else:
        raise ValueError("unknown compression %r" % how)


# ---------------------------------------------------------------- layers

def _tarfile(buf, fmt=tarfile.PAX_FORMAT):
    return tarfile.open(fileobj=buf, mode="w", format=fmt, encoding="utf-8",
                        errors="surrogateescape")


def entry_bytes(e):
    if "software_hive" in e:
        return regf.software_hive(**e["software_hive"])
    if "hive" in e:
        return regf.build(e["hive"])
    if "data_b64" in e:
        return base64.b64decode(e["data_b64"])
    d = e.get("data", "")
    return d.encode("utf-8", "surrogateescape") if isinstance(d, str) else bytes(d)


def layer_from_entries(entries, fmt=tarfile.PAX_FORMAT):
    buf = io.BytesIO()
    with _tarfile(buf, fmt) as t:
        for e in entries:
            name = (base64.b64decode(e["path_b64"]).decode("utf-8", "surrogateescape")
                    if "path_b64" in e else e["path"])
            ti = tarfile.TarInfo(name)
            ti.mtime = 0
            ti.uid, ti.gid = e.get("uid", 0), e.get("gid", 0)
            kind = e.get("type", "file")
            data = None
            if kind == "file":
                data = entry_bytes(e)
                ti.size = len(data)
                ti.mode = e.get("mode", 0o644)
            elif kind == "dir":
                ti.type, ti.mode = tarfile.DIRTYPE, e.get("mode", 0o755)
            elif kind == "symlink":
                ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, e["link"], e.get("mode", 0o777)
            elif kind == "hardlink":
                ti.type, ti.linkname, ti.mode = tarfile.LNKTYPE, e["link"], e.get("mode", 0o644)
            elif kind == "char":
                ti.type, ti.mode, ti.devmajor, ti.devminor = tarfile.CHRTYPE, e.get("mode", 0o666), 1, 3
            elif kind == "fifo":
                ti.type, ti.mode = tarfile.FIFOTYPE, e.get("mode", 0o644)
            else:
                raise ValueError("unknown entry type %r" % kind)
            if "pax" in e:
                ti.pax_headers = dict(e["pax"])
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def layer_from_dir(root, windows=False, keep_owner=False):
    """Packs a directory tree; for Windows under Files/ (Hives/ entries come
    from a sibling "Hives" directory when the tree has one at its top)."""
    buf = io.BytesIO()
    seen = {}
    with _tarfile(buf) as t:
        def add(path, arc):
            st = os.lstat(path)
            ti = tarfile.TarInfo(arc)
            ti.mtime = 0
            ti.mode = stat.S_IMODE(st.st_mode)
            ti.uid, ti.gid = (st.st_uid, st.st_gid) if keep_owner else (0, 0)
            if stat.S_ISDIR(st.st_mode):
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            elif stat.S_ISLNK(st.st_mode):
                ti.type, ti.linkname = tarfile.SYMTYPE, os.readlink(path)
                t.addfile(ti)
            elif stat.S_ISREG(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if st.st_nlink > 1 and key in seen:
                    ti.type, ti.linkname = tarfile.LNKTYPE, seen[key]
                    t.addfile(ti)
                    return
                seen[key] = arc
                ti.size = st.st_size
                with open(path, "rb") as f:
                    t.addfile(ti, f)

        def walk(dirpath, prefix):
            for name in sorted(os.listdir(dirpath)):
                p = os.path.join(dirpath, name)
                arc = prefix + name
                add(p, arc)
                if os.path.isdir(p) and not os.path.islink(p):
                    walk(p, arc + "/")

        if windows:
            top = set(os.listdir(root))
            files_root = os.path.join(root, "Files") if "Files" in top else root
            add(files_root, "Files")
            walk(files_root, "Files/")
            if "Hives" in top:
                add(os.path.join(root, "Hives"), "Hives")
                walk(os.path.join(root, "Hives"), "Hives/")
        else:
            walk(root, "")
    return buf.getvalue()


def _ustar_header(name, size=0, typeflag=b"0", mode=0o644):
    h = bytearray(512)
    nb = name.encode()
    h[0:len(nb)] = nb
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[148:156] = b"        "
    h[156:157] = typeflag
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def many_chunks(count, prefix="d", per_dir=1000, opaque=False):
    """count empty files, per_dir to a directory: raw ustar headers from a
    template (the checksum is the template's plus the name's bytes), fast
    enough for a million entries.  opaque: an opaque-whiteout marker after
    every file (a hostile layer that repeats whiteouts)."""
    file_tpl = bytearray(_ustar_header(""))
    file_tpl[148:156] = b"        "
    base = sum(file_tpl)
    batch = []

    def hdr(name):
        h = bytearray(file_tpl)
        h[0:len(name)] = name
        h[148:156] = b"%06o\0 " % (base + sum(name))
        return h

    for i in range(count):
        d = b"%s%05d" % (prefix.encode(), i // per_dir)
        if i % per_dir == 0:
            batch.append(_ustar_header(d.decode() + "/", typeflag=b"5", mode=0o755))
        batch.append(hdr(b"%s/f%07d" % (d, i)))
        if opaque:
            batch.append(hdr(d + b"/.wh..wh..opq"))
        if len(batch) >= 8192:
            yield b"".join(batch)
            batch = []
    batch.append(b"\0" * 1024)
    yield b"".join(batch)


def bomb_chunks(size, name="zeros"):
    """One file of `size` zero bytes: what a decompression bomb expands to."""
    yield _ustar_header(name, size=size)
    block = b"\0" * (1 << 20)
    left = size + (-size % 512) + 1024
    while left:
        n = min(left, len(block))
        yield block[:n]
        left -= n


# ---------------------------------------------------------------- images

class Blobs:
    def __init__(self):
        self.items = []          # (name, bytes or path-to-temp)

    def add(self, name, data):
        self.items.append((name, data))


def sha(data):
    return hashlib.sha256(data).hexdigest()


def build(spec, out_path, workdir=None):
    layout = spec.get("layout", "docker")
    windows = spec.get("os", "linux") == "windows"
    # (stored bytes, diff_id, media type, digest): the digests are taken
    # before any "damage", so manifests and config describe the intact blob
    layer_blobs = []
    for L in spec.get("layers", []):
        how = L.get("compress", "none")
        if "raw_b64" in L or "raw_file" in L:
            data = base64.b64decode(L["raw_b64"]) if "raw_b64" in L else open(L["raw_file"], "rb").read()
            diff, how = uncompressed_sha(data), "none"
        elif "many" in L or "bomb" in L:
            chunks = (many_chunks(L["many"]["count"], L["many"].get("prefix", "d"),
                                  L["many"].get("per_dir", 1000), L["many"].get("opaque", False))
                      if "many" in L else bomb_chunks(L["bomb"]["size"]))
            h = hashlib.sha256()
            with tempfile.TemporaryFile() as b:   # zstd needs a real file to write to
                compress_stream(hashed(chunks, h), how, b)
                b.seek(0)
                data = b.read()
            diff = h.hexdigest()
        else:
            if "dir" in L:
                tar = layer_from_dir(L["dir"], windows, L.get("keep_owner", False))
            else:
                tar = layer_from_entries(L.get("entries", []),
                                         tarfile.GNU_FORMAT if L.get("gnu") else tarfile.PAX_FORMAT)
            data, diff = compress(tar, how, L.get("gzip_level", 6)), sha(tar)
        layer_blobs.append((damage(data, L.get("damage")), L.get("diff_id", "sha256:" + diff), MT_LAYER[how],
                            L.get("digest", "sha256:" + sha(data))))

    cfg_inner = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
    if windows:
        cfg_inner = {"Env": []}
    cfg_inner.update(spec.get("config", {}))
    history = spec.get("history")
    if history is None:
        history = [{"created": "1970-01-01T00:00:00Z", "created_by": "layer %d" % i}
                   for i in range(len(layer_blobs))]
    config = {"architecture": spec.get("arch", "amd64"), "os": "windows" if windows else "linux",
              "created": "1970-01-01T00:00:00Z", "config": cfg_inner,
              "rootfs": {"type": "layers", "diff_ids": [d for _, d, _, _ in layer_blobs]},
              "history": history}
    if windows or spec.get("os_version"):
        config["os.version"] = spec.get("os_version", "10.0.17763.1879")
    config.update(spec.get("config_top", {}))
    config_bytes = (spec["config_raw"].encode() if "config_raw" in spec
                    else json.dumps(config, indent=None, separators=(",", ":")).encode())
    config_hex = spec.get("config_digest", "sha256:" + sha(config_bytes)).split(":", 1)[1]  # a wrong one: tests
    tags = spec.get("tags", ["palisade-test:latest"])
    drop = set(map(str, spec.get("drop_blobs", [])))

    entries = []   # (name, bytes) or (name, ("symlink", target))

    def blob(data, key=None, digest=None):
        name = "blobs/" + (digest or "sha256:" + sha(data)).replace(":", "/", 1)
        if str(key) not in drop and all(n != name for n, _ in entries):
            entries.append((name, data))
        return name

    if layout in ("docker25", "oci"):
        entries.append(("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'))
    if layout == "docker":
        layer_names = []
        first_of = {}
        for i, (data, diff, _, _) in enumerate(layer_blobs):
            lid = sha(("%s %d" % (diff, i)).encode())
            name = lid + "/layer.tar"
            if sha(data) in first_of and spec.get("dedupe_links", True):
                entries.append((name, ("symlink", "../" + first_of[sha(data)])))
            elif str(i) not in drop:
                first_of[sha(data)] = name
                entries.append((name, data))
            entries.append((lid + "/VERSION", b"1.0"))
            entries.append((lid + "/json", json.dumps({"id": lid}).encode()))
            layer_names.append(name)
        config_name = config_hex + ".json"
        if "config" not in drop:
            entries.append((config_name, config_bytes))
        manifest = [{"Config": config_name, "RepoTags": tags, "Layers": layer_names}]
    else:
        layer_names = [blob(data, i, dg) for i, (data, _, _, dg) in enumerate(layer_blobs)]
        config_name = blob(config_bytes, "config", "sha256:" + config_hex)
        oci_manifest = {"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
                        "config": {"mediaType": MT_OCI_CONFIG, "digest": "sha256:" + config_hex,
                                   "size": len(config_bytes)},
                        "layers": [{"mediaType": mt, "digest": dg, "size": len(d)}
                                   for d, _, mt, dg in layer_blobs]}
        oci_manifest.update(spec.get("oci_manifest_override", {}))
        mbytes = json.dumps(oci_manifest).encode()
        mname = blob(mbytes, "manifest")
        ann = {}
        if tags:
            ann = {"io.containerd.image.name": "docker.io/library/" + tags[0] if "/" not in tags[0]
                   else tags[0], "org.opencontainers.image.ref.name": tags[0].rsplit(":", 1)[-1]}
        desc = {"mediaType": MT_OCI_MANIFEST, "digest": "sha256:" + sha(mbytes),
                "size": len(mbytes), "annotations": ann,
                "platform": {"architecture": config["architecture"], "os": config["os"]}}
        if spec.get("nest_index"):
            # a multi-platform image: index.json -> image index -> manifest
            inner = json.dumps({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                                "manifests": spec.get("index_before", []) + [desc]}).encode()
            desc = {"mediaType": MT_OCI_INDEX, "digest": "sha256:" + sha(inner),
                    "size": len(inner), "annotations": ann}
            blob(inner, "index")
        index = {"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                 "manifests": ([] if spec.get("nest_index") else spec.get("index_before", [])) + [desc]}
        index.update(spec.get("index_override", {}))
        entries.append(("index.json", json.dumps(index).encode()))
        manifest = [{"Config": config_name, "RepoTags": tags, "Layers": layer_names}]
    if layout in ("docker", "docker25"):
        if spec.get("manifest_override"):
            manifest[0].update(spec["manifest_override"])
        entries.append(("manifest.json", json.dumps(manifest).encode()))
        if layout == "docker" and tags:
            repo, _, tag = tags[0].rpartition(":")
            entries.append(("repositories", json.dumps({repo: {tag: manifest[0]["Layers"][-1].split("/")[0]
                                                             if manifest[0]["Layers"] else ""}}).encode()))

    if spec.get("sort_entries"):
        # what docker's own tarball looks like: written from a directory
        # walk, so layers come in id/digest order, not in the order of use
        entries.sort(key=lambda e: e[0])

    def outer_chunks():
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            dirs = set()
            for name, data in entries:
                d = os.path.dirname(name)
                parts = d.split("/") if d else []
                for k in range(1, len(parts) + 1):
                    dd = "/".join(parts[:k])
                    if dd not in dirs:
                        dirs.add(dd)
                        ti = tarfile.TarInfo(dd)
                        ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, 0
                        t.addfile(ti)
                ti = tarfile.TarInfo(name)
                ti.mtime = 0
                if isinstance(data, tuple):
                    ti.type, ti.linkname = tarfile.SYMTYPE, data[1]
                    t.addfile(ti)
                else:
                    ti.size, ti.mode = len(data), 0o644
                    t.addfile(ti, io.BytesIO(data))
                yield buf.getvalue()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue()

    with open(out_path, "wb") as f:
        compress_stream(outer_chunks(), spec.get("outer_compress", "none"), f)
    return {"config_digest": "sha256:" + config_hex, "layers": layer_names, "config": config_name}


def load_spec(path):
    with open(path) as f:
        spec = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    for L in spec.get("layers", []):
        for k in ("dir", "raw_file"):
            if k in L and not os.path.isabs(L[k]):
                L[k] = os.path.join(base, L[k])
    return spec


def serve():
    """--serve: one process builds many images (tests that build dozens
    skip the interpreter start-up each time).  Reads "SPEC.json OUT.tar"
    lines on stdin; answers each with one JSON line on stdout."""
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 2:
            continue
        try:
            info = build(load_spec(parts[0]), parts[1])
        except Exception as e:  # report, keep serving
            info = {"error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()


def main(argv):
    if argv == ["--serve"]:
        return serve()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--spec", help="JSON spec (see the module docstring)")
    ap.add_argument("--dir", action="append", default=[], help="a directory as a layer (repeatable)")
    ap.add_argument("--layout", default=None, choices=["docker", "docker25", "oci"])
    ap.add_argument("--os", default=None, choices=["linux", "windows"])
    ap.add_argument("--os-version", default=None)
    ap.add_argument("--tag", action="append", default=None)
    ap.add_argument("--compress", default="none", choices=["none", "gzip", "zstd"])
    ap.add_argument("--outer-compress", default=None, choices=["none", "gzip", "zstd"])
    ap.add_argument("--user", default=None, help="config User")
    a = ap.parse_args(argv)
    spec = {}
    if a.spec:
        spec = load_spec(a.spec)
    if a.dir:
        spec.setdefault("layers", []).extend({"dir": d, "compress": a.compress} for d in a.dir)
    for key, val in (("layout", a.layout), ("os", a.os), ("os_version", a.os_version),
                     ("tags", a.tag), ("outer_compress", a.outer_compress)):
        if val is not None:
            spec[key] = val
    if a.user is not None:
        spec.setdefault("config", {})["User"] = a.user
    info = build(spec, a.out)
    json.dump(info, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
