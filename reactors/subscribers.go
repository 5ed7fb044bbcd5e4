package reactors

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"

	"github.com/jejak-id/jejak/domain"
)

// WebhookSubscriber is an endpoint that wants some event types.
type WebhookSubscriber struct {
	// ID names the subscriber in its durable consumer and delivery
	// records: 1-32 letters, digits, '-' or '_'. Never rename it.
	ID string `json:"id"`
	// URL receives the POSTs (http or https).
	URL string `json:"url"`
	// Secret keys the HMAC signature; at least 16 characters.
	Secret string `json:"secret"`
	// Types are the event types wanted, e.g. "assessment.answer_verified".
	Types []string `json:"types"`
}

var subscriberIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// LoadWebhookSubscribers reads a JSON array of subscribers from path and
// validates it. Example:
//
//	[{"id": "bappeda-lampung", "url": "https://example.org/hooks/jejak",
//	  "secret": "…", "types": ["assessment.answer_verified"]}]
func LoadWebhookSubscribers(path string) ([]WebhookSubscriber, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("webhook subscribers: %w", err)
	}
	var subs []WebhookSubscriber
	if err := json.Unmarshal(data, &subs); err != nil {
		return nil, fmt.Errorf("webhook subscribers %s: %w", path, err)
	}
	if err := ValidateWebhookSubscribers(subs); err != nil {
		return nil, fmt.Errorf("webhook subscribers %s: %w", path, err)
	}
	return subs, nil
}

// ValidateWebhookSubscribers reports every problem at once: bad or
// repeated ids, URLs that are not absolute http(s), short secrets, no or
// unknown event types.
func ValidateWebhookSubscribers(subs []WebhookSubscriber) error {
	known := map[string]bool{}
	for _, s := range domain.EventSpecs() {
		known[s.Type] = true
	}
	seen := map[string]bool{}
	var errs []error
	for i, s := range subs {
		name := fmt.Sprintf("subscriber %d (%q)", i, s.ID)
		if !subscriberIDPattern.MatchString(s.ID) {
			errs = append(errs, fmt.Errorf("%s: id must be 1-32 letters, digits, '-' or '_'", name))
		}
		if seen[s.ID] {
			errs = append(errs, fmt.Errorf("%s: id repeated", name))
		}
		seen[s.ID] = true
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s: url must be an absolute http(s) URL", name))
		}
		if len(s.Secret) < 16 {
			errs = append(errs, fmt.Errorf("%s: secret must have at least 16 characters", name))
		}
		if len(s.Types) == 0 {
			errs = append(errs, fmt.Errorf("%s: no event types", name))
		}
		for _, t := range s.Types {
			if !known[t] {
				errs = append(errs, fmt.Errorf("%s: unknown event type %q", name, t))
			}
		}
	}
	return errors.Join(errs...)
}
