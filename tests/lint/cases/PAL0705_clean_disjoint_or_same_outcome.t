# Overlapping entries with the same outcome, port ranges of one pair that do
# not meet, other protocols, and different endpoints sharing traffic (an
# exception above a general entry).
%%POLICY
firewall "fw" {
  deny from subnet 192.168.0.0/16 to any tcp 80-90 effect block
  deny from any to subnet 172.16.0.0/12 tcp 85-100 effect block
  allow from subnet 10.0.0.0/8 to any tcp 1-100
  deny from any to subnet 172.16.0.0/12 tcp 200-300
  allow from subnet 10.1.0.0/16 to subnet 10.2.0.0/16
  deny from subnet 10.3.0.0/16 to subnet 10.2.0.0/16
  allow from image "a" to image "b" tcp 80-90
  deny from image "a" to image "b" udp 85-100
  deny from image "a" to image "b" tcp 91-100
  allow from subnet 192.168.5.0/24 to any tcp 443
  deny from any to subnet 172.17.0.0/16 tcp 440-450 effect block
  default effect alert
}
%%EXPECT
