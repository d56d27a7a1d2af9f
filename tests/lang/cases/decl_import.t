# import across files: a file (lib/windows.pal) is visible under the alias
# of its last path element, a directory (lib/linux/) under `as lx`; lists
# and macros are qualified with the alias; a macro resolves names in its
# own file (windows.is_shell uses its package's unqualified `shells`).
%%POLICY lib/windows.pal
package lib.windows
list shells = ["cmd.exe", "powershell.exe"]
macro is_shell = process.name in shells
%%POLICY lib/linux/shells.pal
package lib.linux
list shells = ["/bin/sh", "/bin/bash"]
%%POLICY lib/linux/more.pal
package lib.linux
macro in_tmp = process.executable startswith "/tmp/"
%%POLICY policy.pal
import "lib/windows"
import "lib/linux" as lx
rule "windows list" {
  on process
  when process.name in windows.shells
}
rule "windows macro" {
  on process
  when windows.is_shell
}
rule "linux shells" {
  on process
  when process.executable in lx.shells or lx.in_tmp
}
%%EVENTS
{"event":{"category":["process"]},"process":{"executable":"C:\\Windows\\System32\\cmd.exe","name":"cmd.exe"}}
{"event":{"category":["process"]},"process":{"executable":"/bin/bash","name":"bash"}}
{"event":{"category":["process"]},"process":{"executable":"/tmp/x","name":"x"}}
{"event":{"category":["process"]},"process":{"executable":"/usr/bin/id","name":"id"}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"windows list","effect":"alert","severity":"medium","message":"windows list"},{"rule":"windows macro","effect":"alert","severity":"medium","message":"windows macro"}]}
{"line":2,"effect":"alert","matches":[{"rule":"linux shells","effect":"alert","severity":"medium","message":"linux shells"}]}
{"line":3,"effect":"alert","matches":[{"rule":"linux shells","effect":"alert","severity":"medium","message":"linux shells"}]}
{"line":4,"effect":"allow","matches":[]}
