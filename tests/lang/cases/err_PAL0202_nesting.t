# Brackets nest at most 64 deep, counting the declaration's brace: the
# 64th '(' inside a rule is PAL0202, and the scanner stops there (no
# cascade of syntax errors).
%%POLICY
rule "r" {
  on process
  when ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((process.pid == 1))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))
}
%%ERRORS
policy.pal:3:71: error[PAL0202]: brackets nested deeper than 64 levels
%%HINT
split the expression into macros
