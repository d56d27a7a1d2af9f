# What a test gives is checked by every compile: an element's unknown key
# (PAL0301), an element that is not an object and a map value that is not
# a string (PAL0401), a field given twice (PAL0203), a port out of range
# (PAL0408), a CIDR for an address (PAL0407), an event group beside an
# image group (PAL0301), from_file that is not a string (PAL0401).
%%POLICY
rule "r" { on network when destination.port == 1 effect alert }
check "C" { title "t" fail when image.os == "x" }
test "a" { given image { files: [ { pth: "/x" } ] } expect pass }
test "b" { given image { files: [ "/x" ] } expect pass }
test "c" { given image { config.env: { A: 1 } } expect pass }
test "d" { given destination { "port": 1, "port": 2 } expect alert }
test "e" { given destination { "port": 70000 } expect alert }
test "f" { given destination { "ip": 10.0.0.0/8 } expect alert }
test "g" { given image { os: "x" } process { name: "x" } expect fail }
test "h" { given image { from_file: true } expect pass }
%%ERRORS
policy.pal:3:37: error[PAL0301]: unknown field 'image.files[].pth'
policy.pal:4:35: error[PAL0401]: elements of 'image.files' are records of file
policy.pal:5:40: error[PAL0401]: values of 'image.config.env' are strings
policy.pal:6:43: error[PAL0203]: 'destination.port' is given twice
policy.pal:7:40: error[PAL0408]: 'destination.port' is given 70000, not a port
policy.pal:8:38: error[PAL0407]: 'destination.ip' is given a CIDR, not an address
policy.pal:9:36: error[PAL0301]: 'process' is an event group in an inventory test
policy.pal:10:37: error[PAL0401]: 'from_file' is the path of an inventory JSON file
