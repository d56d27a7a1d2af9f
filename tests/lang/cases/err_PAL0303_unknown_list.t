# An unknown plain name is PAL0303 (an unknown list or macro), as a value,
# right of `in`, inside a list, and in a runtime entry.
%%POLICY
list a = [shells, "x"]
rule "r" {
  on process
  when is_shell or process.name in shellz
}
runtime "rt" {
  process { deny nope }
}
%%ERRORS
policy.pal:1:11: error[PAL0303]: unknown list 'shells'
policy.pal:4:8: error[PAL0303]: unknown list or macro 'is_shell'
policy.pal:4:36: error[PAL0303]: unknown list or macro 'shellz'
policy.pal:7:18: error[PAL0303]: unknown list 'nope'
