package bench

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	polar "github.com/gopolar/checkouts/wrapper"
)

// Fixtures, written by hand (see testdata/). checkoutJSON is a full
// session of realistic size: three products (seat-based, legacy recurring
// fixed and custom, one-time fixed and pay-what-you-want), five custom
// fields, a repeating discount, metadata and a billing address.
var (
	//go:embed testdata/checkout.json
	checkoutJSON []byte
	//go:embed testdata/checkout_public_confirmed.json
	confirmedJSON []byte
	// checkoutSmallJSON is the small item the paging server repeats.
	//go:embed testdata/checkout_small.json
	checkoutSmallJSON []byte
)

// IDs and credentials of the fixtures.
const (
	checkoutID   = "5b0d7a3e-91c4-4f2a-b6e8-3d17c9a04f51"
	clientSecret = "polar_c_Qm8Xv2LpR7sT4nWc9YbH3kJd6FzA1eGuN5oPiVqK0rSx"
	accessToken  = "polar_oat_bench0123456789abcdefghijklmnopqrstu"
	smallItemID  = "00000000-0000-4000-8000-000000000000"
	listPageSize = 100
)

// userAgent is the User-Agent the wrapper sends by default; the raw
// baseline and the generated client send the same (TestSameRequests).
var userAgent = "gopolar-checkouts/" + polar.Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"

// compact returns raw without insignificant whitespace, as a server sends it.
func compact(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		tb.Fatalf("compact fixture: %v", err)
	}
	return buf.Bytes()
}

// itemID is the ID of the i-th generated checkout: a valid version-4 UUID.
func itemID(i int) string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
}

// listPage builds a page of n copies of item (compact JSON with ID
// smallItemID or checkoutID replaced by itemID), as Polar returns it.
func listPage(tb testing.TB, item []byte, id string, n, total int) []byte {
	tb.Helper()
	prefix, suffix, ok := bytes.Cut(item, []byte(`"`+id+`"`))
	if !ok {
		tb.Fatalf("item has no %q", id)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"items":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(prefix)
		buf.WriteString(`"` + itemID(i) + `"`)
		buf.Write(suffix)
	}
	fmt.Fprintf(&buf, `],"pagination":{"total_count":%d,"max_page":%d}}`, total, (total+n-1)/n)
	return buf.Bytes()
}

// fixedServer answers the four benchmarked operations with fixed bodies.
// It checks the token, so every implementation must send it, and reads
// request bodies to the end, so PATCH and POST cost what they should.
type fixedServer struct {
	*httptest.Server
	checkout, confirmed, list []byte
}

func newFixedServer(tb testing.TB) *fixedServer {
	tb.Helper()
	s := &fixedServer{
		checkout:  compact(tb, checkoutJSON),
		confirmed: compact(tb, confirmedJSON),
	}
	s.list = listPage(tb, s.checkout, checkoutID, listPageSize, 10_000)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/checkouts/{$}", s.auth(s.reply(s.list)))
	mux.HandleFunc("GET /v1/checkouts/{id}", s.auth(s.reply(s.checkout)))
	mux.HandleFunc("PATCH /v1/checkouts/{id}", s.auth(s.reply(s.checkout)))
	mux.HandleFunc("POST /v1/checkouts/client/{secret}/confirm", s.reply(s.confirmed))
	s.Server = httptest.NewServer(mux)
	tb.Cleanup(s.Close)
	return s
}

func (s *fixedServer) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+accessToken {
			writeJSON(w, http.StatusUnauthorized, []byte(`{"error":"Unauthorized","detail":"Unauthorized"}`))
			return
		}
		next(w, r)
	}
}

func (s *fixedServer) reply(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			return
		}
		writeJSON(w, http.StatusOK, body)
	}
}

// writeJSON writes a JSON body with its length, so the client can reuse
// the connection.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// newHTTPClient returns the *http.Client that every implementation of one
// benchmark family shares, so connection reuse is the same for all.
func newHTTPClient(tb testing.TB) *http.Client {
	tb.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 64
	tr.MaxIdleConnsPerHost = 64
	tb.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// pagingServer serves GET /v1/checkouts/ for total generated checkouts,
// writing each page as it is requested: it keeps one item template, never
// the items. Optional latency is added before each answer, and an optional
// rate window answers 429 when requests come too fast.
type pagingServer struct {
	*httptest.Server
	total   int
	latency time.Duration
	rate    *rateWindow

	prefix, suffix []byte // the item template around its quoted ID
	bufs           sync.Pool
}

func newPagingServer(tb testing.TB, total int, latency time.Duration, rate *rateWindow) *pagingServer {
	tb.Helper()
	item := compact(tb, checkoutSmallJSON)
	prefix, suffix, ok := bytes.Cut(item, []byte(`"`+smallItemID+`"`))
	if !ok {
		tb.Fatal("checkout_small.json has no " + smallItemID)
	}
	p := &pagingServer{total: total, latency: latency, rate: rate, prefix: prefix, suffix: suffix}
	p.bufs.New = func() any { return bufio.NewWriterSize(nil, 32<<10) }
	p.Server = httptest.NewServer(p)
	tb.Cleanup(p.Close)
	return p
}

func (p *pagingServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method != http.MethodGet || r.URL.Path != "/v1/checkouts/" {
		writeJSON(w, http.StatusNotFound, []byte(`{"detail":"Not Found"}`))
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+accessToken {
		writeJSON(w, http.StatusUnauthorized, []byte(`{"error":"Unauthorized","detail":"Unauthorized"}`))
		return
	}
	if p.rate != nil && !p.rate.admit(start) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	if p.latency > 0 {
		time.Sleep(p.latency)
	}
	q := r.URL.Query()
	page, limit := 1, 10
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		page = v
	}
	if v, err := strconv.Atoi(q.Get("limit")); err == nil && v > 0 {
		limit = min(v, listPageSize)
	}
	maxPage := (p.total + limit - 1) / limit
	first := min((page-1)*limit, p.total)
	last := min(first+limit, p.total)

	w.Header().Set("Content-Type", "application/json")
	bw := p.bufs.Get().(*bufio.Writer)
	bw.Reset(w)
	defer p.bufs.Put(bw)
	_, _ = bw.WriteString(`{"items":[`)
	var id [36]byte
	copy(id[:], smallItemID)
	for i := first; i < last; i++ {
		if i > first {
			_ = bw.WriteByte(',')
		}
		_, _ = bw.Write(p.prefix)
		_ = bw.WriteByte('"')
		// The last 12 digits of the ID are i, zero-padded (as itemID).
		n := i
		for j := 35; j >= 24; j-- {
			id[j] = byte('0' + n%10)
			n /= 10
		}
		_, _ = bw.Write(id[:])
		_ = bw.WriteByte('"')
		_, _ = bw.Write(p.suffix)
	}
	_, _ = bw.WriteString(`],"pagination":{"total_count":`)
	_, _ = bw.WriteString(strconv.Itoa(p.total))
	_, _ = bw.WriteString(`,"max_page":`)
	_, _ = bw.WriteString(strconv.Itoa(maxPage))
	_, _ = bw.WriteString(`}}`)
	_ = bw.Flush()
	bw.Reset(nil)
}

// rateWindow records the start time of every request and refuses those
// that would put more than limit requests in any sliding window of the
// given length. A limit of R per minute scales to R*window/minute for
// runs much shorter than a minute; slack requests more are tolerated in
// a window because the server sees arrival times, not the times the
// client released the requests (scheduling jitter can bunch two).
type rateWindow struct {
	window time.Duration
	limit  int
	slack  int

	mu       sync.Mutex
	recent   []time.Time // admitted start times inside the current window
	starts   []time.Time // every admitted start time
	rejected int
}

func newRateWindow(perMinute int, window time.Duration, slack int) *rateWindow {
	return &rateWindow{window: window, limit: int(int64(perMinute) * int64(window) / int64(time.Minute)), slack: slack}
}

// admit records a request that started at t and reports whether it is
// within the limit.
func (w *rateWindow) admit(t time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	cut := 0
	for cut < len(w.recent) && !w.recent[cut].After(t.Add(-w.window)) {
		cut++
	}
	w.recent = append(w.recent[:0], w.recent[cut:]...)
	if len(w.recent) >= w.limit+w.slack {
		w.rejected++
		return false
	}
	w.recent = append(w.recent, t)
	w.starts = append(w.starts, t)
	return true
}

// stats returns the largest number of admitted requests that started in
// any window (t-window, t], and the number of requests refused.
func (w *rateWindow) stats() (peak, rejected int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return peakInWindow(w.starts, w.window), w.rejected
}

// peakInWindow returns the largest number of times in any half-open
// interval (t-window, t].
func peakInWindow(times []time.Time, window time.Duration) int {
	ts := slices.Clone(times)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	peak, lo := 0, 0
	for hi, t := range ts {
		for !ts[lo].After(t.Add(-window)) {
			lo++
		}
		peak = max(peak, hi-lo+1)
	}
	return peak
}

// checkoutFromList decodes the first item of a list page, for tests.
func checkoutFromList(tb testing.TB, page []byte) client.ListResourceCheckout {
	tb.Helper()
	var l client.ListResourceCheckout
	if err := json.Unmarshal(page, &l); err != nil {
		tb.Fatalf("decode list page: %v", err)
	}
	return l
}
