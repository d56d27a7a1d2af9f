# A check whose condition is a top-level `any f in image.files:` reports one
# finding per matching file, in inventory order, and its message names the
# file with {f.path}.
%%POLICY
check "PAL-0107" {
  title "Setuid binaries owned by root"
  severity medium
  fail when any f in image.files: f.type == "file" and f.setuid and f.uid == 0
  message "{f.path} is setuid root (mode {f.mode}, layer {f.layer})"
}
check "no match" {
  title "nothing is world-writable here"
  fail when any f in image.files: (f.mode / 2) % 2 == 1
  message "{f.path} is world-writable"
}
%%INVENTORY
{"image":{"os":"linux","config":{"user":"app"}},
 "files":[{"path":"/usr/bin/su","type":"file","mode":2541,"uid":0,"setuid":true,"layer":1},
          {"path":"/usr/bin/ls","type":"file","mode":493,"uid":0,"setuid":false,"layer":1},
          {"path":"/usr/bin/passwd","type":"file","mode":2541,"uid":0,"setuid":true,"layer":2},
          {"path":"/home/app/suid","type":"file","mode":2541,"uid":1000,"setuid":true,"layer":3},
          {"path":"/usr/bin","type":"dir","mode":493,"uid":0,"setuid":true,"layer":1}],
 "packages":[],"users":[],"groups":[]}
%%EXPECT
{"checks":[{"id":"PAL-0107","status":"fail","findings":[{"severity":"medium","message":"/usr/bin/su is setuid root (mode 2541, layer 1)"},{"severity":"medium","message":"/usr/bin/passwd is setuid root (mode 2541, layer 2)"}]},{"id":"no match","status":"pass","findings":[]}]}
