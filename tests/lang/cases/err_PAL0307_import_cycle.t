# Import cycles are PAL0307 (a imports b imports a), and so is a file
# importing itself.
%%POLICY a.pal
import "b"
list x = ["a"]
%%POLICY b.pal
import "a"
list y = ["b"]
%%POLICY c.pal
import "c"
list z = ["c"]
%%ERRORS
c.pal:1:8: error[PAL0307]: a file cannot import itself
b.pal:1:8: error[PAL0307]: import cycle through "a"
