# A check whose condition is a top-level `any x in [...]` over a constant
# list (a list name, a literal) reports one finding per matching item, in
# list order, and its message names the item with {x} — the way a check
# gives one sentence per reason it fails.  (It was compiled as a value and
# failed with "the compiler ran out of memory or a limit".)
%%POLICY
list reasons = ["no USER is set", "USER names root"]
check "reasons" {
  title "one finding per reason"
  fail when any why in reasons:
    (why == "no USER is set" and image.config.user == "") or (why == "USER names root" and image.os == "linux")
  message "the image runs as root: {why}"
}
check "literal" {
  title "a literal list, two matches"
  fail when any p in ["/a", "/b", "/c"]: p != "/b"
  message "{p} on {image.name}"
}
check "none" {
  title "no item matches"
  fail when any p in ["x", "y"]: p == image.name
}
%%INVENTORY
{"image":{"name":"web:1","os":"linux","config":{"user":""}},"files":[],"packages":[],"users":[],"groups":[]}
%%EXPECT
{"checks":[{"id":"reasons","status":"fail","findings":[{"severity":"medium","message":"the image runs as root: no USER is set"},{"severity":"medium","message":"the image runs as root: USER names root"}]},{"id":"literal","status":"fail","findings":[{"severity":"medium","message":"/a on web:1"},{"severity":"medium","message":"/c on web:1"}]},{"id":"none","status":"pass","findings":[]}]}
