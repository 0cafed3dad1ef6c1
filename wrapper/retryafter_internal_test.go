package polar

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"1", time.Second},
		{" 30 ", 30 * time.Second},
		{"1.5", 1500 * time.Millisecond},
		{"-1", 0},
		{"NaN", 0},
		{"-Inf", 0},
		{"abc", 0},
		{"999999999", 999999999 * time.Second},
		{"1000000000", MaxRetryAfterHint}, // 1e9 s: very long, not absent
		{"9223372036854775807", MaxRetryAfterHint},        // MaxInt64 seconds overflows a Duration
		{"99999999999999999999999999", MaxRetryAfterHint}, // overflows uint64
		{"1e10", MaxRetryAfterHint},
		{"+Inf", MaxRetryAfterHint},
		{"1e300", MaxRetryAfterHint},
		{"1e400", MaxRetryAfterHint}, // past float64: ParseFloat says ErrRange
		{"1e-400", 0},                // underflows to 0
		{"-1e400", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{now.AddDate(100, 0, 0).Format(http.TimeFormat), MaxRetryAfterHint},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestRetryAfter_longestHeaderWins(t *testing.T) {
	t.Parallel()
	now := time.Now()
	h := http.Header{}
	h.Add("Retry-After", "2")
	h.Add("Retry-After", "junk")
	h.Add("Retry-After", "120")
	h.Add("Retry-After", "7")
	if got := retryAfter(h, now); got != 120*time.Second {
		t.Errorf("retryAfter = %s, want 2m0s", got)
	}
	if got := retryAfter(http.Header{}, now); got != 0 {
		t.Errorf("no header: %s", got)
	}
	// Lines folded into one by a proxy: the longest value wins too, and
	// an HTTP date keeps its own comma.
	at := now.Add(90 * time.Second).UTC().Format(http.TimeFormat)
	for v, want := range map[string]time.Duration{
		"5, 120":   120 * time.Second,
		"120,5":    120 * time.Second,
		"junk, 3":  3 * time.Second,
		"1e400, 5": MaxRetryAfterHint,
		at:         90 * time.Second,
		"5, " + at: 90 * time.Second,
		",,":       0,
	} {
		h := http.Header{"Retry-After": {v}}
		if got := retryAfter(h, now); got < want-time.Second || got > want {
			t.Errorf("Retry-After %q = %s, want %s", v, got, want)
		}
	}
}
