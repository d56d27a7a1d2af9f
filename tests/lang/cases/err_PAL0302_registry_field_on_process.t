# Fields of the Windows kinds belong to their kinds: a process rule cannot
# read registry.path (only registry events carry it).
%%POLICY
rule "r" {
  on process
  when registry.path like "HKLM\\SOFTWARE\\*"
}
%%ERRORS
policy.pal:3:8: error[PAL0302]: 'registry.path' is never set in the events this rule runs on
%%HINT
'registry.path' is in registry events
