# Files of one package share lists and macros unqualified, in any order: an
# explicit `package web` in two directories, and the path-derived package of
# two files in ops/ (no package line). A macro may be used above its
# declaration. Rules of every file run, in path order.
%%POLICY a/rules.pal
package web
rule "web shell" {
  on process
  when process.name in web_shells and from_server
}
%%POLICY b/lists.pal
package web
list web_shells = ["sh", "bash"]
macro from_server = process.parent.name in servers
list servers = ["nginx", "httpd"]
%%POLICY ops/one.pal
rule "ops" {
  on process
  when is_ops
}
%%POLICY ops/two.pal
macro is_ops = process.user.name == ops_user
macro ops_user = "ops"
%%EVENTS
{"event":{"category":["process"]},"process":{"name":"sh","parent":{"name":"nginx"},"user":{"name":"ops"}}}
{"event":{"category":["process"]},"process":{"name":"sh","parent":{"name":"sshd"}}}
%%EXPECT
{"line":1,"effect":"alert","matches":[{"rule":"web shell","effect":"alert","severity":"medium","message":"web shell"},{"rule":"ops","effect":"alert","severity":"medium","message":"ops"}]}
{"line":2,"effect":"allow","matches":[]}
