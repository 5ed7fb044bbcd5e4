package credentials

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"time"
)

// TLS files inside a credentials directory (subdirectory TLSDir, mounted
// read-only into the NATS and Jejak containers).
const (
	TLSDir        = "tls"
	CAFile        = "ca.pem"       // the cluster's own CA: verifies the NATS servers
	ServerFile    = "nats.pem"     // NATS nodes: clients and routes (serverAuth, clientAuth)
	ServerKeyFile = "nats-key.pem" //
	// CAKeyFile is the CA's key, beside tls/ (never mounted), to issue
	// more certificates.
	CAKeyFile = "ca-key.pem"
)

// NATSHosts are the names the NATS certificate is valid for: the compose
// services and the loopback address the host reaches them on.
var NATSHosts = []string{"nats1", "nats2", "nats3", "localhost", "127.0.0.1"}

// certFiles is a certificate and its key, PEM.
type certFiles struct{ cert, key string }

// generateTLS makes a CA valid for 10 years and the NATS nodes' certificate
// it signs (2 years), ECDSA P-256.
func generateTLS() (ca, server certFiles, err error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return
	}
	caTmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: "Jejak cluster CA", Organization: []string{"Jejak"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0),
		IsCA: true, BasicConstraintsValid: true, MaxPathLen: 0, MaxPathLenZero: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return
	}
	if ca, err = encode(caDER, caKey); err != nil {
		return
	}
	issue := func(cn string, usage []x509.ExtKeyUsage, hosts []string) (certFiles, error) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return certFiles{}, err
		}
		tmpl := &x509.Certificate{
			SerialNumber: serial(), Subject: pkix.Name{CommonName: cn, Organization: []string{"Jejak"}},
			NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(2, 0, 0),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: usage,
		}
		for _, h := range hosts {
			if ip := net.ParseIP(h); ip != nil {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			} else {
				tmpl.DNSNames = append(tmpl.DNSNames, h)
			}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			return certFiles{}, err
		}
		return encode(der, key)
	}
	// Routes are TLS both ways, so the nodes' certificate is for both.
	server, err = issue("nats", []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, NATSHosts)
	return
}

func encode(der []byte, key *ecdsa.PrivateKey) (certFiles, error) {
	k, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return certFiles{}, err
	}
	return certFiles{
		cert: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		key:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k})),
	}, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	return n
}
