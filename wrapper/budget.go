package polar

import "sync"

// Costs of the retry budget, as in aws-sdk-go-v2's standard retryer.
const (
	retryCost        = 5
	timeoutRetryCost = 10
	successRefund    = 1
)

// retryBudget is a client-wide token bucket that retries draw from. It is
// refilled by successes, so a healthy client always has budget while a
// long outage stops retries instead of multiplying the load.
type retryBudget struct {
	mu     sync.Mutex
	tokens int
	max    int
}

func newRetryBudget(max int) *retryBudget {
	return &retryBudget{tokens: max, max: max}
}

// take withdraws cost tokens, reporting false (and taking nothing) if the
// budget cannot cover them. A nil budget always allows.
func (b *retryBudget) take(cost int) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < cost {
		return false
	}
	b.tokens -= cost
	return true
}

// refund returns n tokens, up to the maximum.
func (b *retryBudget) refund(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.max, b.tokens+n)
	b.mu.Unlock()
}
