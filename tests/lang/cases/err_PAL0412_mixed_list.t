# One kind of item per list: strings, numbers (ints and ranges) or
# addresses; mixing strings and numbers is PAL0412 (ints and ranges
# together are fine).
%%POLICY
list ok = [1, 2..3, -4]
list a = ["sh", 22]
rule "r" {
  on network
  when destination.port in [80, "http"]
}
%%ERRORS
policy.pal:2:17: error[PAL0412]: this list mixes strings and numbers
policy.pal:5:33: error[PAL0412]: this list mixes numbers and strings
%%HINT
keep strings, numbers and addresses in separate lists
