# A check that is not per-element (its condition is not a top-level `any`)
# cannot name a quantifier variable in its message: PAL0301.
%%POLICY
check "c" {
  title "t"
  fail when image.os == "linux" and any f in image.files: f.setuid
  message "{f.path}"
}
%%ERRORS
policy.pal:4:12: error[PAL0301]: unknown field 'f.path'
