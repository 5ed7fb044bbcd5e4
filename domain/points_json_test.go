package domain_test

import (
	"encoding/json"
	"testing"

	"github.com/jejak-id/jejak/domain"
)

func TestMilliJSON(t *testing.T) {
	for _, m := range []domain.Milli{0, 1, 29750, 3000, -380, 40250, 1234567} {
		t.Run("round-trips "+m.String(), func(t *testing.T) {
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var back domain.Milli
			if err := json.Unmarshal(b, &back); err != nil || back != m {
				t.Fatalf("%s -> %s -> %d (%v)", m, b, back, err)
			}
		})
	}
}
