# Recovery inside a runtime section drops that section whole: the next
# runtime block's section starts empty and does not inherit the dropped
# one's entries or its default (it once said "a section has one default").
%%POLICY
runtime "a" {
  process {
    default effect alert
    allow "/bin/x" ==
  }
}
runtime "b" {
  process {
    allow "/bin/y"
    default effect alert
  }
}
%%ERRORS
policy.pal:4:20: error[PAL0201]: unexpected ==, expected allow, deny, default or '}'
