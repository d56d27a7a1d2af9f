# Later entries that an earlier one covers: any source, a wider subnet, all
# ports, an image glob.
%%POLICY
firewall "fw" {
  allow from any to subnet 10.0.0.0/8
  deny from image "web:*" to subnet 10.1.0.0/16 tcp 80
  deny from image "api:*" to image "db:*" effect block
  deny from image "api:v1" to image "db:main" tcp 5432
  allow from subnet 192.168.0.0/16 to any tcp 1-1024
  allow from subnet 192.168.1.0/24 to host "x.example" tcp 443
  default effect alert
}
%%EXPECT
policy.pal:3:3: warning[PAL0704]: this entry never decides anything: the entry at line 2 (allow from any to subnet 10.0.0.0/8)
policy.pal:5:3: warning[PAL0704]
policy.pal:7:3: warning[PAL0704]
