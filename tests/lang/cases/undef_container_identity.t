# A raw Sysmon record carries no container identity: container.image.name
# is undefined, so a runtime block scoped by it does not decide the event,
# while an unscoped rule does. Sysmon records are Windows (no case in path
# comparisons).
%%POLICY
runtime "scoped" {
  scope container.image.name like "wincontainerapp*"
  process { deny "cmd.exe" effect prevent }
}
rule "cmd anywhere" {
  on process
  when process.name == "CMD.EXE"
  effect prevent
  message "{process.executable} by {user.name} in {container.image.name}"
}
%%EVENTS
{"Channel":"Microsoft-Windows-Sysmon/Operational","EventID":1,"Hostname":"winvm","UtcTime":"2024-05-02 10:00:01.123","Image":"C:\\Windows\\System32\\cmd.exe","CommandLine":"cmd.exe","ProcessId":"4584","ParentImage":"C:\\Windows\\System32\\CExecSvc.exe","User":"User Manager\\ContainerAdministrator"}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"cmd anywhere","effect":"prevent","severity":"medium","message":"C:\\Windows\\System32\\cmd.exe by ContainerAdministrator in <undefined>"}]}
