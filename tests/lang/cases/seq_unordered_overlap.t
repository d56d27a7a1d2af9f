# An unordered sequence whose steps overlap (`id` satisfies both): a match
# needs as many events as steps, so one event alone is no match (h1); an
# event that satisfies several steps fills each, but replaces an earlier
# event in one only, so the earlier can still be the other step (h2, h4,
# h5); members are in step order.
%%POLICY
sequence "two recon tools" {
  by host.name
  within 1m
  unordered
  step a { on process when process.name in ["whoami", "id"] }
  step b { on process when process.name in ["id", "hostname"] }
}
%%EVENTS
{"@timestamp":"2024-05-02T10:00:01Z","event":{"category":["process"]},"host":{"name":"h1"},"process":{"name":"id"}}
{"@timestamp":"2024-05-02T10:00:02Z","event":{"category":["process"]},"host":{"name":"h2"},"process":{"name":"id"}}
{"@timestamp":"2024-05-02T10:00:03Z","event":{"category":["process"]},"host":{"name":"h2"},"process":{"name":"id"}}
{"@timestamp":"2024-05-02T10:00:04Z","event":{"category":["process"]},"host":{"name":"h3"},"process":{"name":"whoami"}}
{"@timestamp":"2024-05-02T10:00:05Z","event":{"category":["process"]},"host":{"name":"h3"},"process":{"name":"id"}}
{"@timestamp":"2024-05-02T10:00:06Z","event":{"category":["process"]},"host":{"name":"h4"},"process":{"name":"id"}}
{"@timestamp":"2024-05-02T10:00:07Z","event":{"category":["process"]},"host":{"name":"h4"},"process":{"name":"hostname"}}
{"@timestamp":"2024-05-02T10:00:08Z","event":{"category":["process"]},"host":{"name":"h5"},"process":{"name":"id"}}
{"@timestamp":"2024-05-02T10:00:09Z","event":{"category":["process"]},"host":{"name":"h5"},"process":{"name":"whoami"}}
%%EXPECT
{"line":1,"effect":"allow","matches":[]}
{"line":2,"effect":"allow","matches":[]}
{"line":3,"effect":"alert","matches":[{"rule":"two recon tools","effect":"alert","severity":"medium","message":"two recon tools","members":[2,3]}]}
{"line":4,"effect":"allow","matches":[]}
{"line":5,"effect":"alert","matches":[{"rule":"two recon tools","effect":"alert","severity":"medium","message":"two recon tools","members":[4,5]}]}
{"line":6,"effect":"allow","matches":[]}
{"line":7,"effect":"alert","matches":[{"rule":"two recon tools","effect":"alert","severity":"medium","message":"two recon tools","members":[6,7]}]}
{"line":8,"effect":"allow","matches":[]}
{"line":9,"effect":"alert","matches":[{"rule":"two recon tools","effect":"alert","severity":"medium","message":"two recon tools","members":[9,8]}]}
%%STDERR
correlations: 4 matched, 3 partial matches live
