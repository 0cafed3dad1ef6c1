package redislimit

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

// quietRedis discards go-redis's own log lines.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

// TestMain runs a fleet process when the test binary is started as one
// (see runFleet), and otherwise the tests, then checks that they left no
// goroutine behind.
func TestMain(m *testing.M) {
	if cfg := os.Getenv(childModeEnv); cfg != "" {
		os.Exit(runChild(cfg))
	}
	redis.SetLogger(quietRedis{}) // go-redis logs every failed dial; the outage tests cause many
	code := m.Run()
	if code == 0 {
		if err := findLeaks(5 * time.Second); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left behind by the tests:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// findLeaks looks for goroutines other than the test runner's for up to
// d: a go-redis client that failed to dial redials in a goroutine of its
// own, which notices Close within a second.
func findLeaks(d time.Duration, opts ...goleak.Option) error {
	deadline := time.Now().Add(d)
	for {
		err := goleak.Find(opts...)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond) // goroutines end on their own schedule
	}
}
