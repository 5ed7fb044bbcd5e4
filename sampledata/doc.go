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
// answers, ...), sorted by the time they happen; each action is one domain
// command (commands.go). Two executors run them and write the same
// commits: the engine decides each command with its domain Decide method on
// aggregates kept in memory and appends the commits directly (Generate,
// many in flight at once; LoadDemo on an empty store, one by one in time
// order), and serviceRunner executes them through domain.Service with the
// service clock set to each action's time (LoadDemo on a store that holds
// other history or part of the demo: the service recognises what is
// already there by command id).
package sampledata
