# \x needs two hex digits; \u{...} needs 1-6 hex digits naming a Unicode
# scalar value (not a surrogate, not above 10FFFF).
%%POLICY
list a = ["\xZ1", "\u{110000}", "\u{d800}", "\u{}", "ok\x41"]
%%ERRORS
policy.pal:1:12: error[PAL0102]: invalid \x escape
policy.pal:1:20: error[PAL0102]: invalid \u escape
policy.pal:1:34: error[PAL0102]: invalid \u escape
policy.pal:1:46: error[PAL0102]: invalid \u escape
