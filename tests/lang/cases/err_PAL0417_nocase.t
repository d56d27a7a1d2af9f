# `nocase` goes with == != in, not in, like, contains, startswith and
# endswith on strings (PAL0417); matches takes (?i) instead; encodings
# take constant strings and report what they cannot encode.
%%POLICY
rule "r" {
  on process
  when process.pid == nocase 4
    or process.command_line < nocase "b"
    or process.command_line matches nocase "x"
    or process.pid in nocase [1, 2]
    or process.command_line contains wide("\xff")
    or process.command_line contains windash("-a -b -c -d -e")
    or process.command_line contains base64(7)
    or process.command_line contains base64("a", "b")
    or process.command_line contains [1, 2]
}
%%ERRORS
policy.pal:3:20: error[PAL0417]: `== nocase` needs strings, not an int
policy.pal:4:29: error[PAL0417]: `<` does not take nocase
policy.pal:5:29: error[PAL0417]: `matches` does not take nocase
policy.pal:6:20: error[PAL0417]: `in nocase` needs strings, not an int
policy.pal:7:38: error[PAL0413]: wide(): the text is not UTF-8, so it has no UTF-16 form
policy.pal:8:38: error[PAL0413]: windash(): more than 625 strings (at most four flag characters: - or / starting a word)
policy.pal:9:45: error[PAL0401]: base64() encodes strings, not numbers or addresses
policy.pal:10:38: error[PAL0310]: base64() takes 1 argument, not 2
policy.pal:11:38: error[PAL0401]: `contains` takes strings, not a list of int
%%HINT
write (?i) at the start of the pattern
