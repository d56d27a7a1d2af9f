# A feed of hashes in a per-file check: one finding per file whose md5 is
# in the feed (the lab's malware check).
%%FILE feeds/malware.md5
# lowercase md5s
44d88612fea8a8f36de82e1278abb02f
%%POLICY
check "PAL-0422" {
  title "Image contains malware"   severity critical
  fail when any f in image.files: f.md5 in feed("malware.md5")
  message "{f.path} matches a known malware hash"
}
%%INVENTORY
{"image":{"os":"windows","config":{"user":""}},"files":[{"path":"C:\\app\\eicar.com","md5":"44d88612fea8a8f36de82e1278abb02f"},{"path":"C:\\app\\app.exe","md5":"00000000000000000000000000000000"},{"path":"C:\\Windows\\x.com"}],"packages":[],"users":[],"groups":[]}
%%EXPECT
{"checks":[{"id":"PAL-0422","status":"fail","findings":[{"severity":"critical","message":"C:\\app\\eicar.com matches a known malware hash"}]}]}
