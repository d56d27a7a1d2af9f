# Versions (SPEC section 5): package versions order by their ecosystem's rules,
# not as text, and a string constant compared with one becomes a version.
#  - apk: 1.1.24-r10 > 1.1.24-r9 (text order says <); 1.9.5p2 > 1.9.5 (letter-digit)
#  - dpkg: the epoch decides (1:1.0 > 2.0), and 0:1.0 == 1.0
#  - rpm: a missing release is older (1.0 < 1.0-1); the release field orders as rpm's
#  - npm: a prerelease is older than its release; pypi: 1.0rc1 == 1.0RC1 (PEP 440)
#  - an ecosystem palisade does not know: == is exact text, ordering is false
#  - a version that is not valid for its ecosystem: every comparison false
#  - image.distro.version_id orders numerically by segment (3.9 < 3.12)
#  - `in` uses the ecosystem's equality ("0:1.0" is dpkg's 1.0); `not in` is false for an
#    invalid version, as != is; `like`, `endswith`, len() see the text
%%POLICY
check "apk"      { title "t" fail when any p in image.packages: p.ecosystem == "apk" and p.version < "1.1.24-r10"
                   message "{p.name} {p.version}" }
check "apk p2"   { title "t" fail when any p in image.packages: p.name == "sudo" and p.version > "1.9.5-r0"
                   message "{p.name} {p.version}" }
check "dpkg"     { title "t" fail when any p in image.packages: p.ecosystem == "dpkg" and p.version > "2.0"
                   message "{p.name} {p.version}" }
check "dpkg eq"  { title "t" fail when any p in image.packages: p.version == "0:1.0"
                   message "{p.name} {p.version}" }
check "rpm"      { title "t" fail when any p in image.packages: p.ecosystem == "rpm" and p.version < "1.0-1"
                   message "{p.name} {p.version} release={p.release}" }
check "release"  { title "t" fail when any p in image.packages: p.release > "9.el9"
                   message "{p.name} {p.release}" }
check "npm"      { title "t" fail when any p in image.packages: p.ecosystem == "npm" and p.version < "4.17.21"
                   message "{p.name} {p.version}" }
check "pypi"     { title "t" fail when any p in image.packages: p.version == "1.0RC1"
                   message "{p.name} {p.version}" }
check "unknown eq"    { title "t" fail when any p in image.packages: p.ecosystem == "nuget" and p.version == "13.0.1"
                        message "{p.name} {p.version}" }
check "unknown order" { title "t" fail when any p in image.packages: p.ecosystem == "nuget" and (p.version < "99" or p.version >= "0")
                        message "{p.name} {p.version}" }
check "invalid"  { title "t" fail when any p in image.packages: p.name == "broken" and (p.version < "9" or p.version >= "0" or p.version != "1")
                   message "{p.name} {p.version}" }
check "two fields" { title "t" fail when any p in image.packages: exists(p.source_version) and p.source_version > p.version
                     message "{p.name} {p.version} built from {p.source_version}" }
check "distro"   { title "t" fail when image.distro.version_id < "3.12"
                   message "release {image.distro.version_id}" }
check "in"       { title "t" fail when any p in image.packages: p.ecosystem == "dpkg" and p.version in ["3.0", "0:1.0"]
                   message "{p.name} {p.version}" }
check "not in"   { title "t" fail when any p in image.packages: p.ecosystem == "dpkg" and p.version not in ["1.0"]
                   message "{p.name} {p.version}" }
check "text"     { title "t" fail when any p in image.packages: p.version like "*-r*" and p.version endswith "0" and len(p.version) == 10
                   message "{p.name} {p.version}" }
%%INVENTORY
{"image":{"os":"linux","distro":{"id":"alpine","version_id":"3.9.4"}},"files":[],
 "packages":[
  {"name":"musl","version":"1.1.24-r9","ecosystem":"apk"},
  {"name":"zlib","version":"1.1.24-r10","ecosystem":"apk"},
  {"name":"sudo","version":"1.9.5p2-r0","ecosystem":"apk"},
  {"name":"bash","version":"1:1.0","ecosystem":"dpkg"},
  {"name":"base","version":"1.0","ecosystem":"dpkg","source_version":"1.0+b1"},
  {"name":"openssl","version":"1.0","release":"10.el9","ecosystem":"rpm"},
  {"name":"lodash","version":"4.17.21-beta.1","ecosystem":"npm"},
  {"name":"requests","version":"1.0rc1","ecosystem":"pypi"},
  {"name":"Newtonsoft.Json","version":"13.0.1","ecosystem":"nuget"},
  {"name":"broken","version":"not a version!","ecosystem":"dpkg"}
 ],"users":[],"groups":[]}
%%EXPECT
{"checks":[{"id":"apk","status":"fail","findings":[{"severity":"medium","message":"musl 1.1.24-r9"}]},{"id":"apk p2","status":"fail","findings":[{"severity":"medium","message":"sudo 1.9.5p2-r0"}]},{"id":"dpkg","status":"fail","findings":[{"severity":"medium","message":"bash 1:1.0"}]},{"id":"dpkg eq","status":"fail","findings":[{"severity":"medium","message":"base 1.0"},{"severity":"medium","message":"openssl 1.0"}]},{"id":"rpm","status":"fail","findings":[{"severity":"medium","message":"openssl 1.0 release=10.el9"}]},{"id":"release","status":"fail","findings":[{"severity":"medium","message":"openssl 10.el9"}]},{"id":"npm","status":"fail","findings":[{"severity":"medium","message":"lodash 4.17.21-beta.1"}]},{"id":"pypi","status":"fail","findings":[{"severity":"medium","message":"requests 1.0rc1"}]},{"id":"unknown eq","status":"fail","findings":[{"severity":"medium","message":"Newtonsoft.Json 13.0.1"}]},{"id":"unknown order","status":"pass","findings":[]},{"id":"invalid","status":"pass","findings":[]},{"id":"two fields","status":"fail","findings":[{"severity":"medium","message":"base 1.0 built from 1.0+b1"}]},{"id":"distro","status":"fail","findings":[{"severity":"medium","message":"release 3.9.4"}]},{"id":"in","status":"fail","findings":[{"severity":"medium","message":"base 1.0"}]},{"id":"not in","status":"fail","findings":[{"severity":"medium","message":"bash 1:1.0"}]},{"id":"text","status":"fail","findings":[{"severity":"medium","message":"zlib 1.1.24-r10"},{"severity":"medium","message":"sudo 1.9.5p2-r0"}]}],"revision":""}
