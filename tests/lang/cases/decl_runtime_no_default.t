# A section without `default`: only deny entries report; a section with
# allow entries, no deny and no default reports nothing and is warned about
# (PAL0204, a warning: the build succeeds).
%%POLICY
runtime "deny only" {
  process {
    allow "sh"
    deny "nc" effect prevent
  }
  dns {
    allow "*.example.com"
  }
}
%%ERRORS
policy.pal:6:3: warning[PAL0204]: this dns section allows entries but has no default, so it never reports anything
