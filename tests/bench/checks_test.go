package bench

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

func getBody(t *testing.T, u string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return body
}

// captured is what the server saw of one request.
type captured struct {
	method, path string
	query        url.Values
	header       http.Header
	body         []byte
}

// recordingTransport records every request before passing it to the real
// transport.
type recordingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []captured
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := captured{method: req.Method, path: req.URL.EscapedPath(), query: req.URL.Query(), header: req.Header.Clone()}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		c.body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	rt.mu.Lock()
	rt.reqs = append(rt.reqs, c)
	rt.mu.Unlock()
	return rt.next.RoundTrip(req)
}

func (rt *recordingTransport) take() []captured {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	r := rt.reqs
	rt.reqs = nil
	return r
}

// TestSameRequests checks that the baseline, the generated client and the
// wrapper send the same request (method, path, query, headers, body) for
// every benchmarked operation and decode the answer, so the benchmarks
// compare equal work.
func TestSameRequests(t *testing.T) {
	rt := &recordingTransport{next: http.DefaultTransport}
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	f := newFamily(t, &http.Client{Transport: rt})
	for name, im := range map[string]impls{"get": f.get(), "update": f.update(), "list": f.listOne(), "confirm": f.confirm()} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var got []captured
			for _, run := range []op{im.raw, im.rawUnmarshal, im.generated, im.wrapper} {
				if err := run(ctx); err != nil {
					t.Fatal(err)
				}
				reqs := rt.take()
				if len(reqs) != 1 {
					t.Fatalf("%d requests, want 1", len(reqs))
				}
				got = append(got, reqs[0])
			}
			base := got[0]
			for i, c := range got[1:] {
				impl := []string{"raw-unmarshal", "generated", "wrapper"}[i]
				if c.method != base.method || c.path != base.path || !maps.EqualFunc(c.query, base.query, slices.Equal) {
					t.Errorf("%s sent %s %s?%v, raw sent %s %s?%v", impl, c.method, c.path, c.query, base.method, base.path, base.query)
				}
				if !maps.EqualFunc(c.header, base.header, slices.Equal) {
					t.Errorf("%s sent headers %v, raw sent %v", impl, c.header, base.header)
				}
				if !bytes.Equal(c.body, base.body) {
					t.Errorf("%s sent body %s, raw sent %s", impl, c.body, base.body)
				}
			}
			if name == "update" && string(base.body) != `{"customer_email":"marit@kleurrijk-ontwerp.example","discount_id":null}` {
				t.Errorf("update body %s: want a value, a null and nothing else", base.body)
			}
		})
	}
}

// TestPagingServerWalk walks a generated listing with and without
// look-ahead: every item comes once, in order.
func TestPagingServerWalk(t *testing.T) {
	const total = 1234
	ps := newPagingServer(t, total, 0, nil)
	hc := newHTTPClient(t)
	for _, opts := range [][]polar.Option{
		nil,
		{polar.WithLookahead(4), polar.WithRateLimit(600_000)},
	} {
		c, err := polar.NewClient(append([]polar.Option{polar.WithBaseURL(ps.URL), polar.WithAccessToken(accessToken), polar.WithHTTPClient(hc)}, opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for co, err := range c.Checkouts.All(context.Background(), nil) {
			if err != nil {
				t.Fatal(err)
			}
			if got, want := co.ID.String(), itemID(n); got != want {
				t.Fatalf("item %d has id %s, want %s", n, got, want)
			}
			n++
		}
		if n != total {
			t.Errorf("walked %d items, want %d", n, total)
		}
	}
}

func TestPagingServerPages(t *testing.T) {
	ps := newPagingServer(t, 250, 0, nil)
	for _, c := range []struct {
		query     string
		items     int
		firstItem int
	}{
		{"page=1&limit=100", 100, 0},
		{"page=3&limit=100", 50, 200},
		{"page=4&limit=100", 0, 0},
		{"page=2&limit=500", 100, 100}, // limit capped at 100, as Polar does
		{"", 10, 0},
	} {
		l := checkoutFromList(t, getBody(t, ps.URL+"/v1/checkouts/?"+c.query))
		if len(l.Items) != c.items || l.Pagination.TotalCount != 250 {
			t.Errorf("%s: %d items of %d, want %d of 250", c.query, len(l.Items), l.Pagination.TotalCount, c.items)
			continue
		}
		if c.items > 0 && l.Items[0].ID.String() != itemID(c.firstItem) {
			t.Errorf("%s: first item %s, want %s", c.query, l.Items[0].ID, itemID(c.firstItem))
		}
	}
}

// TestRateWindow checks the server-side rate window on made-up times.
func TestRateWindow(t *testing.T) {
	w := newRateWindow(600, time.Second, 0) // 10 per second
	if w.limit != 10 {
		t.Fatalf("limit %d, want 10", w.limit)
	}
	t0 := time.Unix(1_700_000_000, 0)
	for i := range 10 {
		if !w.admit(t0.Add(time.Duration(i) * time.Millisecond)) {
			t.Fatalf("request %d refused", i)
		}
	}
	if w.admit(t0.Add(500 * time.Millisecond)) {
		t.Error("11th request within a second admitted")
	}
	// The first request leaves the window exactly one second later.
	if !w.admit(t0.Add(time.Second)) {
		t.Error("request after the window refused")
	}
	peak, rejected := w.stats()
	if peak != 10 || rejected != 1 {
		t.Errorf("peak %d, rejected %d; want 10, 1", peak, rejected)
	}

	// Evenly spaced requests at exactly the limit fit any window.
	var ts []time.Time
	for i := range 100 {
		ts = append(ts, t0.Add(time.Duration(i)*100*time.Millisecond))
	}
	if p := peakInWindow(ts, time.Second); p != 10 {
		t.Errorf("peak of evenly spaced requests %d, want 10", p)
	}
}

// TestHeapSampler checks that the sampler sees a live allocation.
func TestHeapSampler(t *testing.T) {
	s := startHeapSampler()
	buf := make([]byte, 16<<20)
	s.sample()
	peak, _ := s.stop() // samples once more, buf still live
	if peak < uint64(len(buf)) {
		t.Errorf("peak %d, want at least the live %d-byte buffer", peak, len(buf))
	}
	runtime.KeepAlive(buf)
}
