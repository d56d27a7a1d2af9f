# An unknown function is PAL0309; the hint lists the builtins.
%%POLICY
rule "r" {
  on process
  when tolower(process.name) == "a" or regex(process.name)
}
%%ERRORS
policy.pal:3:8: error[PAL0309]: unknown function 'tolower'
policy.pal:3:40: error[PAL0309]: unknown function 'regex'
%%HINT
functions are exists, lower, upper, len, basename, dirname, feed, windash, base64, base64offset, utf16le, utf16be, utf16 and wide
