# An unknown list or macro name whose spelling is near a declared one gets
# it as the hint: as a value right of `in`, inside a list, in a runtime
# entry.  A name near nothing keeps the hint to declare it.
%%POLICY
list shells = ["sh", "bash"]
macro is_shell = process.name in shells
list more = [shels, "zsh"]
rule "r" {
  on process
  when is_shel or process.name in shell or process.name in nothing_like_it
}
runtime "rt" {
  process { deny shellz }
}
%%ERRORS
policy.pal:3:14: error[PAL0303]: unknown list 'shels'
policy.pal:6:8: error[PAL0303]: unknown list or macro 'is_shel'
policy.pal:6:35: error[PAL0303]: unknown list or macro 'shell'
policy.pal:6:60: error[PAL0303]: unknown list or macro 'nothing_like_it'
policy.pal:9:18: error[PAL0303]: unknown list 'shellz'
%%HINT
did you mean 'shells'?
did you mean 'is_shell'?
declare it with `list` or `macro`, or import its package
