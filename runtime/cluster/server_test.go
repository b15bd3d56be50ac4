package cluster_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golemlabs/golem/runtime/cluster"
)

// selfSigned writes a certificate for 127.0.0.1 and its key and returns their paths.
func selfSigned(t *testing.T) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "golem test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key
}

func TestEmbedded_TokenAndTLS(t *testing.T) {
	if _, err := cluster.StartEmbedded("0.0.0.0:0", t.TempDir(), cluster.EmbeddedOptions{}); err == nil || !strings.Contains(err.Error(), "token") {
		t.Fatalf("a non-loopback address without a token: %v", err)
	}
	cert, key := selfSigned(t)
	srv, err := cluster.StartEmbedded("127.0.0.1:0", t.TempDir(), cluster.EmbeddedOptions{Token: "s3cret", TLSCert: cert, TLSKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	for _, tc := range []struct {
		name string
		o    cluster.ConnOptions
		ok   bool
	}{
		{"token and CA", cluster.ConnOptions{Token: "s3cret", CA: cert}, true},
		{"no token", cluster.ConnOptions{CA: cert}, false},
		{"wrong token", cluster.ConnOptions{Token: "guess", CA: cert}, false},
		{"unknown CA", cluster.ConnOptions{Token: "s3cret"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := cluster.Connect(t.Context(), srv.URL(), "test", tc.o)
			if (err == nil) != tc.ok {
				t.Fatalf("connect: %v, want ok=%v", err, tc.ok)
			}
			if c != nil {
				c.Close()
			}
		})
	}
}
