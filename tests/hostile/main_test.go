package hostile

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// The TLS configuration of the test servers (net/http's test certificate,
// for 127.0.0.1, ::1 and example.com) and a pool that trusts it.
var (
	testTLS   *tls.Config
	testRoots *x509.CertPool
)

// TestMain makes the system trust net/http's test certificate (through
// SSL_CERT_FILE, read once when the first certificate is verified), so
// that the SDK's default client, which a test cannot give a root CA,
// talks to the TLS test servers as it would to Polar. It then fails the
// package if a test leaves goroutines behind (paging look-ahead, retries
// and reconciliation must all finish before a call returns).
func TestMain(m *testing.M) {
	dir, err := trustTestCertificate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostile: trusting the test certificate:", err)
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// trustTestCertificate writes net/http's test certificate to a temporary
// file named by SSL_CERT_FILE and fills testTLS and testRoots. It returns
// the directory to remove.
func trustTestCertificate() (string, error) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.StartTLS()
	cert := srv.Certificate()
	testTLS = srv.TLS.Clone()
	srv.Close()

	testRoots = x509.NewCertPool()
	testRoots.AddCert(cert)
	dir, err := os.MkdirTemp("", "hostile-tls-")
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		return dir, err
	}
	return dir, os.Setenv("SSL_CERT_FILE", file)
}
