# An import that names no file or directory of the repo is PAL0308 (paths
# are relative to the repo root, without .pal).
%%POLICY
import "lib/windows"
import "lib/shells.pal"
%%POLICY lib/shells.pal
list s = ["sh"]
%%ERRORS
policy.pal:1:8: error[PAL0308]: import "lib/windows" not found
policy.pal:2:8: error[PAL0308]: import "lib/shells.pal" not found
%%HINT
without .pal
