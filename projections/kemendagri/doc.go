// Package kemendagri writes the Kemendagri export of one assessment year: the
// region, innovation and Bimtek tables as XLSX, CSV and JSON, plus a manifest
// with the SHA-256 of every file and the snapshot the tables were read from.
//
// Every writer is byte-reproducible: the same Tables and Meta give identical
// bytes on every run, on every machine with the same Jejak version. Rows are
// sorted by the writer (regions by code; innovations by region code, then ID;
// Bimtek by date, then ID), maps are rendered in sorted key order, and no
// output depends on the wall clock, the time zone, the locale or the input
// order. That lets `jejak verify` rebuild an export from the event store and
// compare it with a published one (see Compare).
//
// The package only formats: filling the tables from events is the job of the
// projections. It has no dependency on NATS or the domain.
//
// Files of an export (see FileNames):
//
//	export.xlsx    sheets Daerah, Inovasi, Bimtek and Keterangan (metadata)
//	daerah.csv     the Daerah table
//	inovasi.csv    the Inovasi table
//	bimtek.csv     the Bimtek table
//	export.json    metadata and all tables
//	manifest.json  name, size and SHA-256 of each file above, and the snapshot
package kemendagri
