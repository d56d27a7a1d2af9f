# A string constant compared with a version is checked as one: against the
# field's ecosystem when the schema fixes it (image.os_version is a Windows
# build), else it must be a version in some ecosystem; list items too.
%%POLICY
check "d" { title "t" fail when image.os_version < "10.0.17763.x" or image.windows.version >= "10.0.17763.1879" }
check "e" { title "t" fail when any p in image.packages: p.version < "not a version!" or p.version in ["1.0", ""] }
%%ERRORS
policy.pal:1:52: error[PAL0415]: '10.0.17763.x' is not a valid windows version: a Windows version is dotted numbers, like 10.0.17763.1234
policy.pal:2:70: error[PAL0415]: 'not a version!' is not a version in any ecosystem (dpkg: version string has embedded spaces)
policy.pal:2:111: error[PAL0415]: '' is not a version in any ecosystem (dpkg: version string is empty)
%%HINT
`palisade version compare windows A B` says how windows reads a version
