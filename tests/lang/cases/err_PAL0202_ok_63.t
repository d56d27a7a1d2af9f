# 63 parentheses inside a rule (64 levels with its brace) are fine.
%%POLICY
rule "r" {
  on process
  when (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((process.pid == 1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
}
%%ERRORS
