package redislimit

import (
	"testing"
	"time"

	"github.com/gopolar/checkouts/polartest"
)

// TestProcessesWithLocalLimitsOverrun is the control: the same fleet with
// an in-process limit of the same rate in each process sends about four
// times the bound, so the check of TestProcessesShareOneLimit can fail.
func TestProcessesWithLocalLimitsOverrun(t *testing.T) {
	t.Parallel()
	srv := startRedis(t)
	api := polartest.NewServer()
	t.Cleanup(api.Close)
	id := createCheckout(t, api)

	reports := runFleet(t, fleetProcs, fleetOf(srv, api, id, t.Name(), true))
	_, _, span := fleetTotals(reports)
	seen := api.Handler().Stats().Requests[polartest.OpGet]
	bound := gcraBound(fleetPerMinute, fleetBurst, span)
	t.Logf("%d processes with local limits: %d gets in %s (bound %d): %.0f/min", fleetProcs, seen, span.Round(time.Millisecond), bound, fleetRate(seen, span))
	if seen <= bound {
		t.Errorf("local limits sent %d gets in %s, within the shared bound %d: the fleet test could not tell", seen, span, bound)
	}
}
