# `ip`, `port` and `package` are keywords, and also the last word of fields
# (destination.ip, source.port, a vulnerability's package): as given keys
# they need no quotes.  Quoted keys still work.
%%POLICY
rule "ssh out" {
  on network
  when destination.port == 22 and destination.ip == 10.0.0.5
  effect alert
}
check "openssl" {
  title "t"
  fail when any v in image.vulnerabilities: v.package == "openssl"
}
test "unquoted" {
  given network { direction: "outbound" }
        destination { ip: 10.0.0.5, port: 22 }
        source { ip: 10.0.0.9, "port": 40000 }
  expect alert by "ssh out"
}
test "package" {
  given image { vulnerabilities: [ { id: "CVE-2024-1", package: "openssl" } ] }
  expect fail by "openssl"
}
%%ERRORS
