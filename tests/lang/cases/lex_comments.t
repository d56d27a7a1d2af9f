# Comments: // to the end of the line, /* */ across lines and between
# tokens, comment markers inside strings are text; dotted names and
# section keywords (process.name vs process { }).
%%POLICY
// a line comment
/* a block
   comment */
rule "r" { // after code
  on /* between tokens */ process
  when process.command_line == "a // b /* c */"   // the string keeps its slashes
}
runtime "rt" {
  process /* section */ { deny "nc" effect prevent }
}
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"x","command_line":"a // b /* c */"}}
{"event":{"category":["process"]},"container":{"image":{"name":"i"}},"process":{"executable":"/bin/nc","name":"nc","command_line":"nc"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"r","effect":"alert","severity":"medium","message":"r"}]}
{"line":2,"effect":"prevent","matches":[{"rule":"rt","effect":"prevent","severity":"medium","message":"process /bin/nc denied in i"}]}
