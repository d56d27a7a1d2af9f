# A firewall entry's port list cannot start with a comma.  The grammar once
# accepted `to image "" ,8` as an empty list followed by `, 8` and handed a
# NULL list to the list builder: `build` and `lint` died with SIGSEGV on this
# 41-byte file (found by fuzz_compile; the same bytes are its corpus seed crash_fw_ports_comma).
%%POLICY
firewall""{allow from image""to image"",8
%%ERRORS
policy.pal:1:40: error[PAL0201]: unexpected ',', expected name, scope, allow, deny, default or '}'
