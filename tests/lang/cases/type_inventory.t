# Inventory types (JSON shaped like engine/core/schema.c: image.windows.* is the
# top-level "windows" object): bool fields (used directly, == true/false), ints
# (image.windows.build/ubr), list<string> (image.windows.kbs with in and
# contains, len), collections (len), path fields of a Windows image compare
# Windows-style (no case, \ = /), of a Linux image byte for byte.
%%POLICY
check "bools"    { title "t" fail when any u in image.users: u.locked == false and not u.empty_password and u.empty_password != true
                   message "{u.name} locked={u.locked}" }
check "build"    { title "t" fail when image.os == "windows" and image.windows.build == 17763 and image.windows.ubr < 1879
                   message "build 17763.{image.windows.ubr} is older than 17763.1879" }
check "kbs"      { title "t" fail when "KB5005030" in image.windows.kbs and image.windows.kbs contains "KB1" and len(image.windows.kbs) == 2
                   message "kbs {image.windows.kbs}" }
check "lens"     { title "t" fail when len(image.files) == 2 and len(image.users) == 1 and len(image.packages) == 0 }
check "winpath"  { title "t" fail when any f in image.files: f.path == 'C:\Windows\System32\cmd.exe'
                   message "{f.path}" }
check "winlike"  { title "t" fail when any f in image.files: f.path like "c:/windows/**"
                   message "{f.path}" }
%%INVENTORY
{"image":{"os":"windows","config":{"user":"ContainerUser"}},
 "windows":{"build":17763,"ubr":1234,"kbs":["KB5005030","KB1"]},
 "files":[{"path":"C:\\WINDOWS\\system32\\CMD.EXE"},{"path":"C:\\app\\a.exe"}],
 "packages":[],"users":[{"name":"ContainerUser","locked":false,"empty_password":false}],"groups":[]}
%%EXPECT
{"checks":[{"id":"bools","status":"fail","findings":[{"severity":"medium","message":"ContainerUser locked=false"}]},{"id":"build","status":"fail","findings":[{"severity":"medium","message":"build 17763.1234 is older than 17763.1879"}]},{"id":"kbs","status":"fail","findings":[{"severity":"medium","message":"kbs [KB5005030, KB1]"}]},{"id":"lens","status":"fail","findings":[{"severity":"medium","message":"lens failed"}]},{"id":"winpath","status":"fail","findings":[{"severity":"medium","message":"C:\\WINDOWS\\system32\\CMD.EXE"}]},{"id":"winlike","status":"fail","findings":[{"severity":"medium","message":"C:\\WINDOWS\\system32\\CMD.EXE"}]}]}
