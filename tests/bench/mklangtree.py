#!/usr/bin/env python3
"""mklangtree.py DIR [FILES] [PACKAGES] — an application image's tree for
tests/bench/langpkg.sh: PACKAGES language packages (npm package.json under
node_modules, Python dist-info METADATA, gemspecs, jars with pom.properties,
in proportions 50/25/15/10) among FILES files in all (the rest: the sources,
licences and docs such packages carry, 200 B to 8 KiB of text each).
Deterministic (a fixed seed), so two runs build the same image."""
import io, os, random, sys, zipfile

root, nfiles, npkgs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50000, \
    int(sys.argv[3]) if len(sys.argv) > 3 else 2000
rnd = random.Random(18)
words = "the of and to in is that for it as with was on be by this are or from at an not which".split()
made = 0

# one long text; a file is a slice of it from a random place (compressible
# like source and docs, different from file to file)
CORPUS = (" ".join(rnd.choice(words) for _ in range(200000)) + "\n").encode()

def text(n):
    at = rnd.randint(0, len(CORPUS) - n - 1)
    return CORPUS[at:at + n] + b"\n"

def put(path, data):
    global made
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
    made += 1

kinds = [("npm", npkgs * 50 // 100), ("pypi", npkgs * 25 // 100), ("gem", npkgs * 15 // 100)]
kinds.append(("jar", npkgs - sum(n for _, n in kinds)))
homes = []   # a directory per package, where its filler files go
for kind, n in kinds:
    for i in range(n):
        name, ver = "%s-pkg-%04d" % (kind, i), "%d.%d.%d" % (rnd.randint(0, 9), rnd.randint(0, 30), rnd.randint(0, 99))
        if kind == "npm":
            d = "app/node_modules/" + name
            put(d + "/package.json", ('{"name": "%s", "version": "%s", "license": "MIT"}\n' % (name, ver)).encode())
        elif kind == "pypi":
            d = "usr/lib/python3/dist-packages/%s-%s.dist-info" % (name.replace("-", "_"), ver)
            put(d + "/METADATA", ("Metadata-Version: 2.1\nName: %s\nVersion: %s\nLicense: MIT\n\n" % (name, ver)).encode())
        elif kind == "gem":
            d = "usr/lib/ruby/gems/3.1.0/gems/%s-%s" % (name, ver)
            put("usr/lib/ruby/gems/3.1.0/specifications/%s-%s.gemspec" % (name, ver),
                ('Gem::Specification.new do |s|\n  s.name = "%s"\n  s.version = "%s"\nend\n' % (name, ver)).encode())
        else:
            d = "opt/app/lib"
            b = io.BytesIO()
            with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
                z.writestr("META-INF/maven/org.example/%s/pom.properties" % name,
                           "groupId=org.example\nartifactId=%s\nversion=%s\n" % (name, ver))
                z.writestr("org/example/Main.class", text(2000))
            put("%s/%s-%s.jar" % (d, name, ver), b.getvalue())
        homes.append(d)
i = 0
while made < nfiles:
    put("%s/f%05d.%s" % (homes[i % len(homes)] if homes else "data", i, rnd.choice(["js", "py", "rb", "txt", "md"])),
        text(rnd.randint(200, 8192)))
    i += 1
print(made, npkgs)
