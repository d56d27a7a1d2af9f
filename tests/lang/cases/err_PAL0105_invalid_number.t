# A digit run followed by letters is PAL0105 (durations take ms s m h d); an
# integer above 2^63-1 is PAL0105.
%%POLICY
rule "r" {
  on process
  when process.pid == 5min or process.pid == 99999999999999999999 or process.pid == 10x
}
%%ERRORS
policy.pal:3:23: error[PAL0105]: invalid number '5min'
policy.pal:3:46: error[PAL0105]: integer '99999999999999999999' is too large
policy.pal:3:85: error[PAL0105]: invalid number '10x'
