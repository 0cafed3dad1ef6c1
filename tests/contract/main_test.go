package contract_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves goroutines behind (paging
// look-ahead, retries and reconciliation must all finish before a call
// returns).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
