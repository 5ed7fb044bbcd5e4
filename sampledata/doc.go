// Package sampledata writes sample histories into a Jejak event store: a
// small, hand-checked demo (LoadDemo) around four real seed regions, and a
// deterministic national-scale generator (Generate) for load tests and
// benchmarks.
//
// Everything invented here is sample data (data contoh): names of
// participants, most innovations, answers and evidence. The seed facts
// (dates, venues, speakers, regulations) come from public news reports and
// are rewritten, not copied.
//
// Both entry points describe their history first as a plan: a list of
// timed actions (open a period, propose an innovation, submit a region's
// answers, ...), sorted by the time they happen. LoadDemo executes the plan
// through domain.Service, command by command, with the service clock set
// to each action's time; Generate decides with the pure domain aggregates
// in memory and appends their commits directly, many in flight at once.
package sampledata
