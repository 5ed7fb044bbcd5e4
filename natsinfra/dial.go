package natsinfra

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
)

// ConnConfig says how to reach an external NATS server or cluster.
type ConnConfig struct {
	// URL of one or more servers, comma separated (nats://host:4222). Required.
	URL string
	// Name identifies this client in the server's monitoring.
	Name string
	// CredsFile is a JWT user credentials file (decentralised auth).
	CredsFile string
	// NKeyFile is an nkey seed file (nkey auth).
	NKeyFile string
	// User and Password authenticate with a user of the server's accounts
	// block (simple auth, as the docker-compose cluster uses).
	User     string
	Password string
	// TLS: CAFile verifies the server; CertFile and KeyFile (both or neither)
	// authenticate this client.
	CAFile   string
	CertFile string
	KeyFile  string
	// Logger receives disconnect and reconnect notices. Nil means silent.
	Logger *slog.Logger
}

// Validate reports every problem of the configuration at once.
func (c ConnConfig) Validate() error {
	var errs []error
	if c.URL == "" {
		errs = append(errs, errors.New("nats URL is required"))
	}
	if c.CredsFile != "" && c.NKeyFile != "" {
		errs = append(errs, errors.New("use either a creds file or an nkey file, not both"))
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		errs = append(errs, errors.New("TLS client cert and key must be given together"))
	}
	return errors.Join(errs...)
}

// Dial connects to an external server. The first connection attempt must
// succeed (it returns the error otherwise); after that the client reconnects
// forever, buffering publishes while disconnected, so a server restart or a
// leader change is seen by callers as a short delay or CodeUnavailable.
func Dial(cfg ConnConfig) (*nats.Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("natsinfra: %w", err)
	}
	name := cfg.Name
	if name == "" {
		name = "jejak"
	}
	opts := []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
		nats.ReconnectJitter(500*time.Millisecond, 2*time.Second),
		nats.Timeout(5 * time.Second),
		nats.PingInterval(20 * time.Second),
	}
	if cfg.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	}
	if cfg.User != "" {
		opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
	}
	if cfg.NKeyFile != "" {
		opt, err := nats.NkeyOptionFromSeed(cfg.NKeyFile)
		if err != nil {
			return nil, fmt.Errorf("natsinfra: nkey file: %w", err)
		}
		opts = append(opts, opt)
	}
	if cfg.CAFile != "" {
		opts = append(opts, nats.RootCAs(cfg.CAFile))
	}
	if cfg.CertFile != "" {
		opts = append(opts, nats.ClientCert(cfg.CertFile, cfg.KeyFile))
	}
	if log := cfg.Logger; log != nil {
		opts = append(opts,
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { log.Warn("nats disconnected", "err", err) }),
			nats.ReconnectHandler(func(nc *nats.Conn) { log.Info("nats reconnected", "url", nc.ConnectedUrlRedacted()) }),
		)
	}
	nc, err := nats.Connect(cfg.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: connect to %s: %w", cfg.URL, err)
	}
	return nc, nil
}
