# IP literals: octets 0-255 without leading zeros, prefixes 0-32, no host
# bits below the prefix.
%%POLICY
list a = [10.0.0.1/8]
list b = [256.1.1.1]
list c = [1.2.3.4/33]
list d = [01.2.3.4]
%%ERRORS
policy.pal:1:11: error[PAL0106]: invalid IP address or CIDR '10.0.0.1/8': host bits set: did you mean 10.0.0.0/8?
policy.pal:2:11: error[PAL0106]: invalid IP address or CIDR '256.1.1.1': not an IPv4 address (expected four numbers 0-255 without leading zeros, like 10.0.0.0)
policy.pal:3:11: error[PAL0106]: invalid IP address or CIDR '1.2.3.4/33': prefix length over 32 for an IPv4 address
policy.pal:4:11: error[PAL0106]: invalid IP address or CIDR '01.2.3.4': not an IPv4 address (expected four numbers 0-255 without leading zeros, like 10.0.0.0)
