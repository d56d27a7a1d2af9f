# The directory's package, the repo directory's own name at the root, or no
# package at all.
%%POLICY lib/windows/shells.pal
package lib.windows
list shells = ["cmd.exe"]
%%POLICY lib/linux/shells.pal
list shells = ["sh"]
%%POLICY main.pal
package repo
import "lib/windows"
import "lib/linux"
rule "r" {
  on process
  when process.name in windows.shells or process.name in linux.shells
}
%%EXPECT
