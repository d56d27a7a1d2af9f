# A rule that runs out of its instruction budget has not decided the event:
# the decision fails closed.  It takes the strongest effect the stopped rule
# could report (here prevent), keeps the matches found so far (the alert of
# "shell", which ran first) and says in "error" which rule stopped.  It was
# once a silent allow, and an attacker who can make a rule slow (300 args
# under a nested quantifier: 90,000 steps) would walk past it.  The second
# event is cheap and decided as usual.
%%POLICY
rule "shell" {
  on process
  when process.name == "sh"
  effect alert
}
rule "slow" {
  on process
  when any a in process.args: any b in process.args: a == b and b == "zz"
  effect prevent
}
%%EVENTS
{"event": {"category": ["process"]}, "process": {"name": "sh", "args": ["a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a"]}}
{"event": {"category": ["process"]}, "process": {"name": "sh", "args": ["a", "zz"]}}
%%EXPECT
{"line":1,"effect":"prevent","matches":[{"rule":"shell","effect":"alert","severity":"medium","message":"shell"}],"error":"rule 'slow' stopped: instruction budget exhausted (the rule does too much work for one input); the decision takes its strongest effect (prevent)"}
{"line":2,"effect":"prevent","matches":[{"rule":"shell","effect":"alert","severity":"medium","message":"shell"},{"rule":"slow","effect":"prevent","severity":"medium","message":"slow"}]}
