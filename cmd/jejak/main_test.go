package main

import (
	"os"
	"testing"

	"github.com/jejak-id/jejak/internal/testsupport"
)

// skips lists the tests skipped for a missing Chromium, reported at the end.
var skips testsupport.Skips

// TestMain runs the tests, or, when JEJAK_TEST_AS_BINARY is set, is the
// jejak binary itself: the tests that kill -9 a running Jejak start this
// test executable as a child process with that variable.
func TestMain(m *testing.M) {
	if os.Getenv("JEJAK_TEST_AS_BINARY") == "1" {
		main()
		return
	}
	os.Exit(skips.Run(m))
}
