# Invalid ports and ranges are PAL0408: a range with lo > hi (in a list,
# in a port position), a port above 65535 in a runtime entry. (Parser diagnostics come before the generator's.)
%%POLICY
list l = [9000..8000]
runtime "rt" {
  network { deny port 70000  deny port 90-80 }
}
%%ERRORS
policy.pal:1:11: error[PAL0408]: range 9000-8000 is empty
policy.pal:3:40: error[PAL0408]: range 90-80 is empty
policy.pal:3:23: error[PAL0408]: invalid port
%%HINT
ports are 0-65535
