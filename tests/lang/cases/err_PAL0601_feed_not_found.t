# A feed that is in neither feeds/ nor beside the file is PAL0601 (the
# message names both places); a name leaving the repo is PAL0601 too.
%%POLICY rules/policy.pal
list a = feed("missing.txt")
list b = feed("../../etc/passwd")
%%ERRORS
rules/policy.pal:1:10: error[PAL0601]: feed 'missing.txt' not found (looked for feeds/missing.txt and rules/missing.txt)
rules/policy.pal:2:10: error[PAL0601]: feed name '../../etc/passwd' leaves the policy repo
