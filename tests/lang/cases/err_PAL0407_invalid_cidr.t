# Invalid IPs and CIDRs in strings are PAL0407 (compared with an ip field,
# in a list right of `in`, as a firewall subnet, in a network entry); a CIDR
# outside `in` is PAL0407 too.
%%POLICY
rule "r" {
  on network
  when destination.ip == "not an ip" or source.ip in ["10.0.0.1/8"] or destination.ip == 10.0.0.0/8
}
firewall "fw" {
  allow from subnet "fe80::1/10" to any
}
runtime "rt" {
  network { deny ip "999.1.1.1" }
}
%%ERRORS
policy.pal:3:26: error[PAL0407]: 'not an ip' is not an IP address or CIDR
policy.pal:3:55: error[PAL0407]: '10.0.0.1/8' is not an IP address or CIDR
policy.pal:3:90: error[PAL0407]: a CIDR can only be the right side of `in`
policy.pal:6:21: error[PAL0407]: 'fe80::1/10' is not a subnet
policy.pal:9:21: error[PAL0407]: '999.1.1.1' is not an IP address or CIDR
