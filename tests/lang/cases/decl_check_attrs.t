# A check with every attribute; a whole-image condition gives one finding,
# its message holes read image fields; a check that holds passes.
%%POLICY
check "PAL-0041" {
  title       "Image should be created with a non-root user"
  severity    high
  description "Containers should not run as root."
  rationale   "Root in a container is root on a bad day."
  remediation "Add USER to the Dockerfile."
  frameworks  { cis_docker: "4.1", nist_800_190: "4.2.1" }
  tags        ["linux", "config"]
  fail when image.config.user in ["", "root", "0"]
         or (image.os == "windows" and image.config.user == "ContainerAdministrator")
  message "image {image.name} runs as '{image.config.user}'"
}
check "default message" {
  title "no message given"
  fail when image.os == "linux"
}
check "passes" {
  title "never fails here"
  severity critical
  fail when image.os == "windows"
}
%%INVENTORY
{"image":{"name":"web:1","os":"linux","config":{"user":"root"}},"files":[],"packages":[],"users":[],"groups":[]}
%%EXPECT
{"checks":[{"id":"PAL-0041","status":"fail","findings":[{"severity":"high","message":"image web:1 runs as 'root'"}]},{"id":"default message","status":"fail","findings":[{"severity":"medium","message":"default message failed"}]},{"id":"passes","status":"pass","findings":[]}]}
