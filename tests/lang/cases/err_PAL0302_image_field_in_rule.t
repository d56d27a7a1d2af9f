# Rules and runtime scopes read events: an image field is PAL0302 (the
# image of an event is container.image.name).
%%POLICY
rule "r" {
  when image.name == "web"
}
runtime "rt" {
  scope image.name like "web:*"
  process { deny "sh" }
}
%%ERRORS
policy.pal:2:8: error[PAL0302]: 'image.name' is an image inventory field, and this rule runs on events
policy.pal:5:9: error[PAL0302]: 'image.name' is an image inventory field, and this rule runs on events
