# A package that is not the file's directory splits the directory in two.
%%POLICY lib/windows/shells.pal
package lib.linux
list shells = ["cmd.exe"]
%%POLICY main.pal
package elsewhere
import "lib/windows/shells" as w
rule "r" {
  on process
  when process.name in w.shells
}
%%EXPECT
lib/windows/shells.pal:1:9: warning[PAL0707]: package 'lib.linux' does not match the file's directory 'lib/windows'
main.pal:1:9: warning[PAL0707]: package 'elsewhere' does not match the file's directory 'repo'
