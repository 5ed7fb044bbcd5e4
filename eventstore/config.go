package eventstore

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Defaults used by Config.withDefaults.
const (
	DefaultStream          = "JEJAK_EVENTS"
	DefaultSubjectPrefix   = "jejak.events"
	DefaultDuplicateWindow = 2 * time.Minute
	// DefaultMaxCommitBytes leaves 4 KiB of a stock server's 1 MiB max
	// payload for the message headers.
	DefaultMaxCommitBytes = 1<<20 - headerAllowance
	DefaultVersionCache   = 100_000
)

// Config configures a Store. The zero value of every field but Codec means
// "use the default".
type Config struct {
	// Stream is the JetStream stream holding all events. Default JEJAK_EVENTS.
	Stream string
	// SubjectPrefix starts every event subject. Default "jejak.events".
	SubjectPrefix string
	// Replicas is the stream's replication factor: 1 for the embedded
	// server, 3 in a cluster. Default 1.
	Replicas int
	// DuplicateWindow is the stream's duplicate window (Nats-Msg-Id). At
	// least 100ms. Default 2m. The store sends no Nats-Msg-Id (retries are
	// recognised from the aggregate's history, at any time); the window
	// serves other publishers of the stream, if any.
	DuplicateWindow time.Duration
	// MaxCommitBytes bounds the encoded envelope of one commit. Larger
	// commits fail with CodeTooLarge before anything is sent. Default 1 MiB
	// less 4 KiB for headers;
	// it must also fit the server's max payload.
	MaxCommitBytes int
	// VersionCacheSize bounds the per-process cache of aggregate versions.
	// Default 100000 aggregates.
	VersionCacheSize int
	// Codec turns domain events into JSON and back. Required.
	Codec *Codec
}

var (
	streamNamePattern    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	subjectPrefixPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)
)

func (c Config) withDefaults() Config {
	if c.Stream == "" {
		c.Stream = DefaultStream
	}
	if c.SubjectPrefix == "" {
		c.SubjectPrefix = DefaultSubjectPrefix
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.DuplicateWindow == 0 {
		c.DuplicateWindow = DefaultDuplicateWindow
	}
	if c.MaxCommitBytes == 0 {
		c.MaxCommitBytes = DefaultMaxCommitBytes
	}
	if c.VersionCacheSize == 0 {
		c.VersionCacheSize = DefaultVersionCache
	}
	return c
}

// Validate reports every problem of the configuration (after defaults are
// applied) at once.
func (c Config) Validate() error {
	c = c.withDefaults()
	var errs []error
	if !streamNamePattern.MatchString(c.Stream) {
		errs = append(errs, fmt.Errorf("stream name %q: use 1-64 letters, digits, '-' or '_'", c.Stream))
	}
	if !subjectPrefixPattern.MatchString(c.SubjectPrefix) {
		errs = append(errs, fmt.Errorf("subject prefix %q: use dot-separated tokens without wildcards", c.SubjectPrefix))
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		errs = append(errs, fmt.Errorf("replicas %d: must be 1 to 5", c.Replicas))
	}
	if c.DuplicateWindow < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("duplicate window %s: must be at least 100ms", c.DuplicateWindow))
	}
	if c.MaxCommitBytes < 1024 {
		errs = append(errs, fmt.Errorf("max commit bytes %d: must be at least 1024", c.MaxCommitBytes))
	}
	if c.VersionCacheSize < 1 {
		errs = append(errs, fmt.Errorf("version cache size %d: must be positive", c.VersionCacheSize))
	}
	if c.Codec == nil {
		errs = append(errs, errors.New("codec is required"))
	}
	return errors.Join(errs...)
}
