# Two port ranges for one pair of endpoints, with different outcomes, that
# share ports 85-90: the earlier entry decides those.
%%POLICY
firewall "fw" {
  allow from image "web:*" to subnet 10.0.0.0/8 tcp 80-90
  deny from image "web:*" to subnet 10.0.0.0/8 tcp 85-100 effect block
  default effect alert
}
%%EXPECT
policy.pal:3:3: warning[PAL0705]: this entry (deny (block)) overlaps the entry at line 2 (allow)
