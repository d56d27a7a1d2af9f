# Each step may join on its own fields: the shell's pid, then the pid of its
# child's parent.  An event without a join field takes no part.
%%POLICY
sequence "shell spawns curl" {
  within 1m
  step shell { on process when process.name == "sh" by process.pid }
  step child { on process when process.name == "curl" by process.parent.pid }
  message "sh {shell.process.pid} ran {child.process.command_line}"
}
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"sh","pid":100}}
{"event":{"category":["process"]},"process":{"name":"curl","command_line":"curl a","pid":5,"parent":{"pid":200}}}
{"event":{"category":["process"]},"process":{"name":"curl","command_line":"curl b","pid":6}}
{"event":{"category":["process"]},"process":{"name":"curl","command_line":"curl c","pid":7,"parent":{"pid":100}}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"allow","matches":[]}
{"line":4,"effect":"alert","matches":[{"rule":"shell spawns curl","effect":"alert","severity":"medium","message":"sh 100 ran curl c","members":[1,4]}]}
