# A runtime block's sections are named by their kind alone (SPEC 6):
# `on process { ... }` inside one, as a rule would write it, says so.
%%POLICY
runtime "web" {
  on process {
    allow "nginx"
  }
}
%%ERRORS
policy.pal:2:3: error[PAL0201]: unexpected on
%%HINT
a runtime block names its sections without 'on': process { ... }, network { ... }, dns { ... }, file { ... }
