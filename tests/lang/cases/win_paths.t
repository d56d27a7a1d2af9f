# Windows paths are read the way Windows reads them, once, when decoded: a
# full-path deny of C:\Windows\System32\cmd.exe and a name deny of
# powershell.exe are not missed by \\?\ or \??\ prefixes, ".." and "."
# segments, doubled or mixed separators, trailing dots and spaces or a
# ::$DATA stream (all of lines 1-9 were allowed).  The message shows the
# normalised path; "original" what the event wrote.  A \Device\ volume path
# needs the volume map (`--volume-map`, tests/e2e/adapters.sh): without it
# the full-path deny cannot match (line 10, with a warning), the name deny
# still does (line 11).  A Linux event is left as written (line 12).
%%POLICY
runtime "no shells" {
  process {
    deny 'C:\Windows\System32\cmd.exe' effect prevent
    deny "powershell.exe" effect block
  }
  file { deny 'C:\Windows\System32\**' effect prevent }
}
%%EVENTS
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"\\\\?\\C:\\Windows\\System32\\cmd.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"\\??\\C:\\Windows\\System32\\cmd.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\Windows\\Temp\\..\\System32\\.\\cmd.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\\\Windows//System32\\\\cmd.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\Windows\\System32\\cmd.exe::$DATA"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"name":"powershell.exe."}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"name":"powershell.exe "}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"C:\\tools\\PowerShell.EXE. ."}}
{"event":{"category":["file"]},"host":{"os":{"type":"windows"}},"file":{"path":"C:\\app\\..\\Windows\\System32\\evil.dll"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"\\Device\\HarddiskVolume3\\Windows\\System32\\cmd.exe"}}
{"event":{"category":["process"]},"host":{"os":{"type":"windows"}},"process":{"executable":"\\Device\\HarddiskVolume3\\tools\\powershell.exe."}}
{"event":{"category":["process"]},"host":{"os":{"type":"linux"}},"process":{"executable":"/usr/bin/../bin/powershell.exe."}}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"no shells","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe denied"}],"original":{"process.executable":"\\\\?\\C:\\Windows\\System32\\cmd.exe"}}
{"line":2,"effect":"prevent","matches":[{"rule":"no shells","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe denied"}],"original":{"process.executable":"\\??\\C:\\Windows\\System32\\cmd.exe"}}
{"line":3,"effect":"prevent","matches":[{"rule":"no shells","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe denied"}],"original":{"process.executable":"C:\\Windows\\Temp\\..\\System32\\.\\cmd.exe"}}
{"line":4,"effect":"prevent","matches":[{"rule":"no shells","effect":"prevent","severity":"medium","message":"process C:\\Windows/System32\\cmd.exe denied"}],"original":{"process.executable":"C:\\\\Windows//System32\\\\cmd.exe"}}
{"line":5,"effect":"prevent","matches":[{"rule":"no shells","effect":"prevent","severity":"medium","message":"process C:\\Windows\\System32\\cmd.exe denied"}],"original":{"process.executable":"C:\\Windows\\System32\\cmd.exe::$DATA"}}
{"line":6,"effect":"block","matches":[{"rule":"no shells","effect":"block","severity":"medium","message":"process powershell.exe denied"}],"original":{"process.name":"powershell.exe."}}
{"line":7,"effect":"block","matches":[{"rule":"no shells","effect":"block","severity":"medium","message":"process powershell.exe denied"}],"original":{"process.name":"powershell.exe "}}
{"line":8,"effect":"block","matches":[{"rule":"no shells","effect":"block","severity":"medium","message":"process C:\\tools\\PowerShell.EXE denied"}],"original":{"process.executable":"C:\\tools\\PowerShell.EXE. ."}}
{"line":9,"effect":"prevent","matches":[{"rule":"no shells","effect":"prevent","severity":"medium","message":"write to C:\\Windows\\System32\\evil.dll denied"}],"original":{"file.path":"C:\\app\\..\\Windows\\System32\\evil.dll"}}
{"line":10,"effect":"allow","matches":[],"warning":"process.executable: \\Device\\HarddiskVolume3 is not in the volume map, so this path cannot match a drive-letter path (give --volume-map \\Device\\HarddiskVolume3=X:)"}
{"line":11,"effect":"block","matches":[{"rule":"no shells","effect":"block","severity":"medium","message":"process \\Device\\HarddiskVolume3\\tools\\powershell.exe denied"}],"warning":"process.executable: \\Device\\HarddiskVolume3 is not in the volume map, so this path cannot match a drive-letter path (give --volume-map \\Device\\HarddiskVolume3=X:)","original":{"process.executable":"\\Device\\HarddiskVolume3\\tools\\powershell.exe."}}
{"line":12,"effect":"allow","matches":[]}
