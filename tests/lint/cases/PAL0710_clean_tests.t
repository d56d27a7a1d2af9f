# Allow expectations on events the target does see.
%%POLICY
rule "r" {
  on process
  when process.name == "sh"
}
runtime "rt" {
  dns {
    allow "example.com", "*.example.com"
    default effect alert
  }
}
test "bash is fine" {
  given process { name: "bash" }
  expect allow by "r"
}
test "example.com names resolve" {
  given dns { question.name: "www.example.com" }
  expect allow by "rt"
}
%%EXPECT
