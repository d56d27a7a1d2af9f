# Two lists or macros with one name in one package (here across two files
# of package lib) are PAL0305; the hint names the first.
%%POLICY lib/a.pal
list shells = ["sh"]
macro m = process.name == "a"
%%POLICY lib/b.pal
macro shells = process.name == "sh"
list m = ["x"]
%%POLICY other/c.pal
list shells = ["fine: another package"]
%%ERRORS
lib/b.pal:1:7: error[PAL0305]: 'shells' is declared twice in package 'lib'
lib/b.pal:2:6: error[PAL0305]: 'm' is declared twice in package 'lib'
%%HINT
the first is at lib/a.pal:1:6
