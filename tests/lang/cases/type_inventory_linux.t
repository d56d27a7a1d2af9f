# On a Linux image path fields compare byte for byte; image.windows.* is
# undefined, so comparisons with it are false.
%%POLICY
check "exact"    { title "t" fail when any f in image.files: f.path == "/etc/passwd"  message "{f.path}" }
check "case"     { title "t" fail when any f in image.files: f.path == "/ETC/PASSWD"  message "{f.path}" }
check "nowin"    { title "t" fail when image.windows.build < 99999 or image.windows.build != 1 }
%%INVENTORY
{"image":{"os":"linux","config":{"user":"root"}},"files":[{"path":"/etc/passwd"},{"path":"/etc/Passwd"}],"packages":[],"users":[],"groups":[]}
%%EXPECT
{"checks":[{"id":"exact","status":"fail","findings":[{"severity":"medium","message":"/etc/passwd"}]},{"id":"case","status":"pass","findings":[]},{"id":"nowin","status":"pass","findings":[]}]}
