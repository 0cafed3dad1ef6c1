package hostile

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// dualServer serves https and plain http on one address, as a host that
// answers both schemes: a redirect from https to http that keeps host and
// port lands on it, so only the scheme changes.
type dualServer struct {
	addr string // host:port
	srv  *http.Server

	mu   sync.Mutex
	reqs []dualRequest
}

// dualRequest is what a dualServer received.
type dualRequest struct {
	tls                bool
	host, method, path string
	header             http.Header
}

// newDualServer listens on network's loopback address (tcp4 or tcp6) and
// answers with h. It skips the test if the address family is missing.
func newDualServer(t *testing.T, network string, h http.HandlerFunc) *dualServer {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "tcp6" {
		addr = "[::1]:0"
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		if network == "tcp6" {
			t.Skipf("no IPv6 loopback here: %v", err)
		}
		t.Fatal(err)
	}
	d := &dualServer{addr: ln.Addr().String()}
	d.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			d.mu.Lock()
			d.reqs = append(d.reqs, dualRequest{tls: r.TLS != nil, host: r.Host, method: r.Method, path: r.URL.EscapedPath(), header: r.Header.Clone()})
			d.mu.Unlock()
			h(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	sl := newSniffListener(ln)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = d.srv.Serve(sl)
	}()
	t.Cleanup(func() {
		_ = d.srv.Close()
		sl.closeAll()
		<-done
	})
	return d
}

// httpsURL and httpURL are the server's base URLs for each scheme.
func (d *dualServer) httpsURL() string { return "https://" + d.addr }
func (d *dualServer) httpURL() string  { return "http://" + d.addr }

func (d *dualServer) requests() []dualRequest {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]dualRequest(nil), d.reqs...)
}

// plain returns the requests that came over plain http.
func (d *dualServer) plain() []dualRequest {
	var out []dualRequest
	for _, r := range d.requests() {
		if !r.tls {
			out = append(out, r)
		}
	}
	return out
}

// sniffListener hands out connections that start with a TLS handshake
// record as TLS server connections, and the others as they are. Each
// connection is sniffed in its own goroutine, so a client that opens a
// connection and sends nothing on it blocks no other.
type sniffListener struct {
	net.Listener
	conns chan net.Conn
	done  chan struct{}
	wg    sync.WaitGroup

	mu      sync.Mutex
	pending map[net.Conn]bool
	closed  bool
}

func newSniffListener(ln net.Listener) *sniffListener {
	sl := &sniffListener{Listener: ln, conns: make(chan net.Conn), done: make(chan struct{}), pending: map[net.Conn]bool{}}
	sl.wg.Go(sl.acceptLoop)
	return sl
}

func (sl *sniffListener) acceptLoop() {
	for {
		c, err := sl.Listener.Accept()
		if err != nil {
			return
		}
		sl.mu.Lock()
		if sl.closed {
			sl.mu.Unlock()
			_ = c.Close()
			return
		}
		sl.pending[c] = true
		sl.mu.Unlock()
		sl.wg.Go(func() { sl.sniff(c) })
	}
}

// sniff reads the first byte of c and passes c on, as TLS if that byte
// starts a handshake record.
func (sl *sniffListener) sniff(c net.Conn) {
	br := bufio.NewReader(c)
	first, err := br.Peek(1)
	sl.mu.Lock()
	delete(sl.pending, c)
	sl.mu.Unlock()
	if err != nil {
		_ = c.Close()
		return
	}
	var out net.Conn = &peekedConn{Conn: c, r: br}
	if first[0] == 0x16 {
		out = tls.Server(out, testTLS)
	}
	select {
	case sl.conns <- out:
	case <-sl.done:
		_ = c.Close()
	}
}

func (sl *sniffListener) Accept() (net.Conn, error) {
	select {
	case c := <-sl.conns:
		return c, nil
	case <-sl.done:
		return nil, net.ErrClosed
	}
}

func (sl *sniffListener) Close() error {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if !sl.closed {
		sl.closed = true
		close(sl.done)
	}
	return sl.Listener.Close()
}

// closeAll closes the listener and the connections still being sniffed,
// and waits for its goroutines.
func (sl *sniffListener) closeAll() {
	_ = sl.Close()
	sl.mu.Lock()
	for c := range sl.pending {
		_ = c.Close()
	}
	sl.mu.Unlock()
	sl.wg.Wait()
}

// peekedConn is a connection whose first bytes were read into r.
type peekedConn struct {
	net.Conn
	r io.Reader
}

func (p *peekedConn) Read(b []byte) (int, error) { return p.r.Read(b) }

// testTransport is a transport of the caller's own that trusts the test
// certificate; dial, if set, replaces where it connects.
func testTransport(t *testing.T, dial func(addr string) string) *http.Transport {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: testRoots}}
	if dial != nil {
		var d net.Dialer
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, dial(addr))
		}
	}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}
