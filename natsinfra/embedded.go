package natsinfra

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// EmbeddedConfig configures an in-process nats-server.
type EmbeddedConfig struct {
	// DataDir is where JetStream keeps its files. Required.
	DataDir string
	// ListenAddr, when set (e.g. "127.0.0.1:4222", or port -1 for a random
	// one), also opens a client port so that the stock nats CLI can inspect
	// the stream. Empty means no port at all: clients connect in-process.
	ListenAddr string
	// ServerName names the server in logs and the nats CLI. Default "jejak".
	ServerName string
	// StartTimeout bounds how long StartEmbedded waits for the server to be
	// ready. Default 10s.
	StartTimeout time.Duration
	// Logging turns on the server's own log output (stderr).
	Logging bool
}

// Embedded is a running in-process nats-server with JetStream on file
// storage, and one shared client connection to it.
//
// Its methods are safe for concurrent use.
type Embedded struct {
	srv  *server.Server
	conn *nats.Conn
}

// StartEmbedded starts a nats-server in this process and connects to it. It
// blocks until the server accepts connections or StartTimeout passes. Call
// Shutdown to stop it; data in DataDir survives a restart.
func StartEmbedded(cfg EmbeddedConfig) (*Embedded, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("natsinfra: embedded server needs a DataDir")
	}
	if cfg.ServerName == "" {
		cfg.ServerName = "jejak"
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 10 * time.Second
	}
	opts := &server.Options{
		ServerName: cfg.ServerName,
		JetStream:  true,
		StoreDir:   cfg.DataDir,
		NoSigs:     true,
		NoLog:      !cfg.Logging,
		DontListen: cfg.ListenAddr == "",
	}
	if cfg.ListenAddr != "" {
		host, port, err := splitListenAddr(cfg.ListenAddr)
		if err != nil {
			return nil, err
		}
		opts.Host, opts.Port = host, port
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: configure embedded server: %w", err)
	}
	if cfg.Logging {
		srv.ConfigureLogger()
	}
	srv.Start()
	if !srv.ReadyForConnections(cfg.StartTimeout) || !srv.JetStreamEnabled() {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("natsinfra: embedded server not ready within %s", cfg.StartTimeout)
	}
	e := &Embedded{srv: srv}
	conn, err := e.Connect()
	if err != nil {
		e.Shutdown()
		return nil, err
	}
	e.conn = conn
	return e, nil
}

func splitListenAddr(addr string) (string, int, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("natsinfra: listen address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < -1 || port > 65535 {
		return "", 0, fmt.Errorf("natsinfra: listen address %q: bad port", addr)
	}
	return host, port, nil
}

// Conn returns the shared in-process connection. It is closed by Shutdown.
func (e *Embedded) Conn() *nats.Conn { return e.conn }

// Connect opens a new in-process connection; the caller closes it. Extra
// options are applied after Jejak's defaults.
func (e *Embedded) Connect(opts ...nats.Option) (*nats.Conn, error) {
	all := append([]nats.Option{
		nats.InProcessServer(e.srv),
		nats.Name("jejak-embedded"),
		nats.MaxReconnects(-1),
	}, opts...)
	conn, err := nats.Connect(e.srv.ClientURL(), all...)
	if err != nil {
		return nil, fmt.Errorf("natsinfra: connect to embedded server: %w", err)
	}
	return conn, nil
}

// ClientURL returns the URL the nats CLI can use, or "" when the server does
// not listen on a port.
func (e *Embedded) ClientURL() string {
	if e.srv.Addr() == nil {
		return ""
	}
	return e.srv.ClientURL()
}

// Shutdown closes the shared connection and stops the server, waiting until
// it has flushed and stopped. It is safe to call more than once.
func (e *Embedded) Shutdown() {
	if e.conn != nil {
		e.conn.Close()
	}
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}
