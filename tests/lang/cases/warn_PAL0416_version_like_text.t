# A string (not a version field) ordered against a constant that looks like a
# version is a warning: text order puts "1.10" before "1.9".  Timestamps and
# equality are not warned about.  The checks still run.
%%POLICY
check "g" { title "t" fail when any l in image.config.labels: l.name == "version" and l.value < "1.10"
            message "{l.value}" }
check "h" { title "t" fail when image.created < "2020-01-01" or image.name > "v2.3" or image.name == "1.2" }
%%ERRORS
policy.pal:1:95: warning[PAL0416]: '1.10' looks like a version, but this orders strings byte by byte ("1.10" < "1.9")
policy.pal:3:76: warning[PAL0416]: 'v2.3' looks like a version, but this orders strings byte by byte ("1.10" < "1.9")
