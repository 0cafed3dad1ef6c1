//go:build !unix

package faults

import (
	"net"
	"testing"
)

// closedAddr returns a loopback address nobody listens on (a port that
// was free a moment ago).
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}
