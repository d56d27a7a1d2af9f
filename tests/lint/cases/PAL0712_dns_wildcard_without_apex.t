# DNS wildcards whose apex the section does not list: allowed, denied,
# through a list, with a trailing dot.  A note (info) does not fail the run.
%%POLICY
list cdns = ["*.cdn.example.net"]

runtime "app" {
  dns {
    allow "*.google.com", "api.stripe.com"
    allow cdns
    deny "*.evil.example.org." effect prevent
    default effect alert
  }
}
%%EXPECT
policy.pal:5:11: note[PAL0712]: "*.google.com" matches names below google.com, not google.com itself, and the section does not list it
policy.pal:6:11: note[PAL0712]: "*.cdn.example.net" matches names below cdn.example.net, not cdn.example.net itself
policy.pal:7:10: note[PAL0712]: "*.evil.example.org." matches names below evil.example.org, not evil.example.org itself
%%EXIT 0
