# A deny inside an allow is the usual exception (deny wins); names and
# executables are different fields; other directions, ports and sub-domains
# do not overlap; a list from a feed is not guessed at.
%%POLICY
list bad = feed("bad.txt")
runtime "web" {
  process {
    allow "/usr/bin/*", "curl"
    deny "/usr/bin/nc", "/usr/bin/curl" effect prevent
    default effect alert
  }
  network {
    allow outbound ip 10.1.0.0/16 port 443
    deny inbound ip 10.0.0.0/8
    deny outbound ip 10.0.0.0/8 port 22
    allow outbound ip 192.0.2.0/24
    deny outbound ip bad
  }
  dns {
    allow "example.com"
    deny "*.example.com"
    default effect alert
  }
  file {
    allow "/tmp/**"
    deny "/tmp/x.sh"
  }
}
%%FILE feeds/bad.txt
192.0.2.0/24
%%EXPECT
