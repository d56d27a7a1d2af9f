# Given values of every shape a field takes build clean: a list or one
# item for a list field, a list of objects for a collection (keys are the
# element's fields), an object of strings for a name/value collection,
# ints past 2^53, negative ints, and from_file, which only `palisade test`
# reads (a build does not need the file).
%%POLICY
check "C" {
  title "t"
  fail when image.config.user == "root"
}
rule "r" { on process when process.name == "x" effect alert }
test "lists" {
  given event { category: "process" } process { args: ["-c", "id"], pid: 9007199254740993, parent.pid: -1 }
  expect allow
}
test "collections" {
  given image {
    files: [ { path: "/bin/su", type: "file", setuid: true, uid: 0, mode: 0o4755 }, { path: "/x" } ]
    users: [ { name: "root", uid: 0, empty_password: true } ]
    config.env: { PATH: "/bin", HOME: "/root" }
    config.labels: [ { name: "maintainer", value: "me" } ]
    tags: "app:1"
  }
  expect pass by "C"
}
test "from a file" {
  given image { from_file: "testdata/not-read-by-build.json", config.user: "app" }
  expect pass
}
%%ERRORS
