# After 50 errors the compiler stops reporting, with a PAL0009 note.
%%POLICY
list l0 = [x0]
list l1 = [x1]
list l2 = [x2]
list l3 = [x3]
list l4 = [x4]
list l5 = [x5]
list l6 = [x6]
list l7 = [x7]
list l8 = [x8]
list l9 = [x9]
list l10 = [x10]
list l11 = [x11]
list l12 = [x12]
list l13 = [x13]
list l14 = [x14]
list l15 = [x15]
list l16 = [x16]
list l17 = [x17]
list l18 = [x18]
list l19 = [x19]
list l20 = [x20]
list l21 = [x21]
list l22 = [x22]
list l23 = [x23]
list l24 = [x24]
list l25 = [x25]
list l26 = [x26]
list l27 = [x27]
list l28 = [x28]
list l29 = [x29]
list l30 = [x30]
list l31 = [x31]
list l32 = [x32]
list l33 = [x33]
list l34 = [x34]
list l35 = [x35]
list l36 = [x36]
list l37 = [x37]
list l38 = [x38]
list l39 = [x39]
list l40 = [x40]
list l41 = [x41]
list l42 = [x42]
list l43 = [x43]
list l44 = [x44]
list l45 = [x45]
list l46 = [x46]
list l47 = [x47]
list l48 = [x48]
list l49 = [x49]
list l50 = [x50]
list l51 = [x51]
list l52 = [x52]
list l53 = [x53]
list l54 = [x54]
%%ERRORS
policy.pal:1:12: error[PAL0303]: unknown list 'x0'
policy.pal:2:12: error[PAL0303]: unknown list 'x1'
policy.pal:3:12: error[PAL0303]: unknown list 'x2'
policy.pal:4:12: error[PAL0303]: unknown list 'x3'
policy.pal:5:12: error[PAL0303]: unknown list 'x4'
policy.pal:6:12: error[PAL0303]: unknown list 'x5'
policy.pal:7:12: error[PAL0303]: unknown list 'x6'
policy.pal:8:12: error[PAL0303]: unknown list 'x7'
policy.pal:9:12: error[PAL0303]: unknown list 'x8'
policy.pal:10:12: error[PAL0303]: unknown list 'x9'
policy.pal:11:13: error[PAL0303]: unknown list 'x10'
policy.pal:12:13: error[PAL0303]: unknown list 'x11'
policy.pal:13:13: error[PAL0303]: unknown list 'x12'
policy.pal:14:13: error[PAL0303]: unknown list 'x13'
policy.pal:15:13: error[PAL0303]: unknown list 'x14'
policy.pal:16:13: error[PAL0303]: unknown list 'x15'
policy.pal:17:13: error[PAL0303]: unknown list 'x16'
policy.pal:18:13: error[PAL0303]: unknown list 'x17'
policy.pal:19:13: error[PAL0303]: unknown list 'x18'
policy.pal:20:13: error[PAL0303]: unknown list 'x19'
policy.pal:21:13: error[PAL0303]: unknown list 'x20'
policy.pal:22:13: error[PAL0303]: unknown list 'x21'
policy.pal:23:13: error[PAL0303]: unknown list 'x22'
policy.pal:24:13: error[PAL0303]: unknown list 'x23'
policy.pal:25:13: error[PAL0303]: unknown list 'x24'
policy.pal:26:13: error[PAL0303]: unknown list 'x25'
policy.pal:27:13: error[PAL0303]: unknown list 'x26'
policy.pal:28:13: error[PAL0303]: unknown list 'x27'
policy.pal:29:13: error[PAL0303]: unknown list 'x28'
policy.pal:30:13: error[PAL0303]: unknown list 'x29'
policy.pal:31:13: error[PAL0303]: unknown list 'x30'
policy.pal:32:13: error[PAL0303]: unknown list 'x31'
policy.pal:33:13: error[PAL0303]: unknown list 'x32'
policy.pal:34:13: error[PAL0303]: unknown list 'x33'
policy.pal:35:13: error[PAL0303]: unknown list 'x34'
policy.pal:36:13: error[PAL0303]: unknown list 'x35'
policy.pal:37:13: error[PAL0303]: unknown list 'x36'
policy.pal:38:13: error[PAL0303]: unknown list 'x37'
policy.pal:39:13: error[PAL0303]: unknown list 'x38'
policy.pal:40:13: error[PAL0303]: unknown list 'x39'
policy.pal:41:13: error[PAL0303]: unknown list 'x40'
policy.pal:42:13: error[PAL0303]: unknown list 'x41'
policy.pal:43:13: error[PAL0303]: unknown list 'x42'
policy.pal:44:13: error[PAL0303]: unknown list 'x43'
policy.pal:45:13: error[PAL0303]: unknown list 'x44'
policy.pal:46:13: error[PAL0303]: unknown list 'x45'
policy.pal:47:13: error[PAL0303]: unknown list 'x46'
policy.pal:48:13: error[PAL0303]: unknown list 'x47'
policy.pal:49:13: error[PAL0303]: unknown list 'x48'
policy.pal:50:13: error[PAL0303]: unknown list 'x49'
%%HINT
note[PAL0009]: too many errors; stopping here
