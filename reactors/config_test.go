package reactors_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak-id/jejak/reactors"
)

func TestConfigValidate(t *testing.T) {
	err := reactors.Config{MaxRetries: -1, RetryMultiplier: 0.5}.Validate()
	for _, want := range []string{"subscriber", "decode", "dead-letter", "max retries", "multiplier"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %q", err, want)
		}
	}
}

func TestLoadWebhookSubscribers(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("reads a valid file", func(t *testing.T) {
		subs, err := reactors.LoadWebhookSubscribers(write("ok.json", `[{"id": "bappeda-lampung",
			"url": "https://example.org/hooks/jejak", "secret": "0123456789abcdef",
			"types": ["assessment.answer_verified", "innovation.proposed"]}]`))
		if err != nil || len(subs) != 1 || subs[0].ID != "bappeda-lampung" || len(subs[0].Types) != 2 {
			t.Fatalf("%+v %v", subs, err)
		}
	})
	t.Run("reports every problem at once", func(t *testing.T) {
		_, err := reactors.LoadWebhookSubscribers(write("bad.json", `[
			{"id": "a.b", "url": "ftp://x", "secret": "short", "types": []},
			{"id": "dup", "url": "https://x.org", "secret": "0123456789abcdef", "types": ["no.such"]},
			{"id": "dup", "url": "/relative", "secret": "0123456789abcdef", "types": ["innovation.proposed"]}]`))
		for _, want := range []string{"id must be", "absolute http", "secret", "no event types", "unknown event type", "repeated"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error %v does not mention %q", err, want)
			}
		}
	})
}
