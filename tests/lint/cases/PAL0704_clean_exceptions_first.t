# Exceptions before the general entry are the normal order; protocols and
# port ranges that differ; images that do not cover each other.  Entries with
# different endpoints that share some traffic are not reported (PAL0705 is
# about port ranges of one pair of endpoints).
%%POLICY
firewall "fw" {
  allow from image "web:*" to image "api:*" tcp 8080
  deny from image "web:*" to any effect prevent
  allow from any to subnet 10.0.0.0/8 udp 53
  deny from any to subnet 10.0.0.0/8 tcp 53
  allow from image "api:v1" to any
  allow from image "db:*" to any tcp 80-90
  allow from image "db:*" to any tcp 91-100
  default effect alert
}
%%EXPECT
