package cluster

import (
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Embedded is a NATS server with JetStream running inside the coordinator.
type Embedded struct {
	s *server.Server
}

// EmbeddedOptions are the security settings of an embedded server.
type EmbeddedOptions struct {
	Token           string // clients must present it; required off loopback
	TLSCert, TLSKey string // PEM files: clients then connect with tls:// and verify the certificate
}

// StartEmbedded starts a JetStream-enabled NATS server listening on listen (host:port, port 0 for
// any) and storing its streams under storeDir. A listen address that is not loopback requires a
// token, which clients then present.
func StartEmbedded(listen, storeDir string, o EmbeddedOptions) (*Embedded, error) {
	token := o.Token
	host, portStr, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("%w: --nats-listen %q: %w", ErrCluster, listen, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("%w: --nats-listen %q: bad port", ErrCluster, listen)
	}
	if ip := net.ParseIP(host); token == "" && (ip == nil || !ip.IsLoopback()) && host != "localhost" {
		return nil, fmt.Errorf("%w: --nats-listen %s is not a loopback address: set --nats-token (or GOLEM_NATS_TOKEN) so that workers must authenticate", ErrCluster, listen)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		Host: host, Port: port, JetStream: true, StoreDir: storeDir, Authorization: token,
		NoSigs: true, NoLog: true, ServerName: "golem",
	}
	if o.TLSCert != "" || o.TLSKey != "" {
		cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("%w: TLS certificate: %w", ErrCluster, err)
		}
		opts.TLS, opts.TLSTimeout = true, 5
		opts.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCluster, err)
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("%w: embedded NATS server on %s did not start", ErrCluster, listen)
	}
	return &Embedded{s: s}, nil
}

// URL is the address clients connect to.
func (e *Embedded) URL() string { return e.s.ClientURL() }

// Shutdown stops the server.
func (e *Embedded) Shutdown() {
	e.s.Shutdown()
	e.s.WaitForShutdown()
}
