# A firewall port above 65535 is PAL0408, as in runtime entries.
%%POLICY
firewall "fw" {
  deny from any to any tcp 65536
}
%%ERRORS
policy.pal:2:28: error[PAL0408]: invalid port
