# Values a section does not take are PAL0314: ip/port/direction outside a
# network section, a number in a dns section, a number where a network
# address is expected, and `from dns` in a firewall. (Sections are
# generated process, network, dns, file: diagnostics come in that order.)
%%POLICY
runtime "rt" {
  process { deny ip 1.2.3.4 }
  dns { deny [53] }
  network { deny ip [4444] }
}
firewall "fw" {
  deny from dns "*.evil.com" to any
}
%%ERRORS
policy.pal:2:13: error[PAL0314]: this entry does not fit a process section
policy.pal:4:22: error[PAL0314]: a number where an address is expected
policy.pal:3:15: error[PAL0314]: entries of this section are strings
policy.pal:7:13: error[PAL0314]: a DNS name is a destination only
