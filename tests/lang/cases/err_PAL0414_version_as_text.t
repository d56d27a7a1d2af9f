# A version compared with a string that is not a constant would be ordered as
# text: PAL0414 (also for lower()/upper() of a version, whose result is a
# string).  A version and an int do not compare at all (PAL0401).
%%POLICY
check "a" { title "t" fail when any p in image.packages: p.version < p.name }
check "b" { title "t" fail when any p in image.packages: lower(p.version) == "1.0" }
check "c" { title "t" fail when any p in image.packages: p.source == p.source_version }
check "d" { title "t" fail when any p in image.packages: p.version == 1 }
%%ERRORS
policy.pal:1:70: error[PAL0414]: p.version is a version, and comparing it with a string would order it as text
policy.pal:2:64: error[PAL0414]: lower() of a version is a string, which orders as text
policy.pal:3:58: error[PAL0414]: p.source_version is a version, and comparing it with a string would order it as text
policy.pal:4:68: error[PAL0401]: cannot compare a version with an int
%%HINT
compare with a version field or a string constant
