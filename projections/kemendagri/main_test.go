package kemendagri_test

import (
	"os"
	"testing"

	"github.com/jejak-id/jejak/internal/testsupport"
)

// skips lists the tests skipped for a missing LibreOffice, reported at the end.
var skips testsupport.Skips

func TestMain(m *testing.M) { os.Exit(skips.Run(m)) }
