# Lists and macros used from another file of the package, through an import,
# inside another list, in runtime entries and ports, and hidden by a
# quantifier variable of the same name (which is then not a use).
%%POLICY lib/net.pal
list web_ports = [80, 443]
list bad_ips = [198.51.100.0/24]
%%POLICY a.pal
import "lib/net"
list posix = ["sh", "bash"]
list shells = [posix, "cmd.exe"]
macro shell = process.name in shells
rule "Shell" {
  on process
  when shell
}
runtime "rt" {
  network {
    deny outbound ip net.bad_ips port net.web_ports
  }
}
%%POLICY b.pal
list files = ["/etc/passwd"]
check "C" {
  title "t"
  severity low
  remediation "r"
  fail when any f in image.files: f.path in files
}
%%EXPECT
