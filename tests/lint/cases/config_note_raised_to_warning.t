# A code whose default level is a note (PAL0712) never fails a run; raised
# to a warning by .palisade.yaml, it does.
%%POLICY
runtime "app" {
  dns {
    allow "*.google.com"
    default effect prevent
  }
}
%%FILE .palisade.yaml
levels:
  PAL0712: warning
%%EXPECT
policy.pal:3:11: warning[PAL0712]
%%EXIT 1
