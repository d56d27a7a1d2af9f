# test blocks are parsed and checked by every build: given groups prefix
# their keys (process { name: ... } is process.name), keys may be quoted,
# commas are optional, values are literals (strings, ints, -1, IPs, bools,
# lists); expect E [by "RULE"]. A correct repo builds clean.
%%POLICY
rule "cmd" {
  on process
  when process.name == "cmd.exe"
  effect prevent
}
check "C1" {
  title "root user"
  fail when image.config.user == "root"
}
test "cmd is prevented" {
  given process   { executable: "C:\\Windows\\System32\\cmd.exe", name: "cmd.exe", pid: 42 }
        container { image.name: "wincontainerapp:v1" }
        host      { os.type: "windows" }
  expect prevent by "cmd"
}
test "a connection" {
  given network     { direction: "outbound" transport: "tcp" }
        destination { "ip": 10.0.0.5, "port": 443 }
        process     { args: ["-c", "x"], parent.pid: -1 }
  expect alert
}
test "an image passes" {
  given image { os: "linux", config.user: "app" }
  expect pass by "C1"
}
test "block" {
  given process { name: "x" }
  expect block
}
%%ERRORS
