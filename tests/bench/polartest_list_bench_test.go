package bench

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
)

// listSizes are the store sizes of BenchmarkPolartestList.
var listSizes = []int{1000, 10000, 100000}

// listStores holds one filled polartest server per size, built on first
// use and kept for the process, so that -count does not refill them.
var listStores struct {
	sync.Mutex
	servers map[int]*polartest.Server
}

// listFixtureProducts are the products the list sessions cycle through.
var listFixtureProducts = []string{polartest.ProductOneTimeID, polartest.ProductMonthlyID, polartest.ProductPayWhatYouWantID, polartest.ProductFreeID}

// listStore returns a polartest server holding n sessions: products in
// turn, 50 external customer IDs in turn, an email each, a created_at that
// moves 1 ms every third session (so that ties exist, as with a test
// clock), one session in four failed and one in five succeeded. The clock
// then stands still, so nothing expires while the benchmark runs.
func listStore(b *testing.B, n int) *polartest.Server {
	b.Helper()
	listStores.Lock()
	defer listStores.Unlock()
	if srv := listStores.servers[n]; srv != nil {
		return srv
	}
	clock := polartest.NewClock(time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC))
	srv := polartest.NewServer(polartest.WithClock(clock.Now), polartest.WithExpiry(24*365*time.Hour))
	h := srv.Handler()
	for i := range n {
		body := fmt.Sprintf(`{"products":[%q],"external_customer_id":"ext-%d","customer_email":"user%d@example.com"}`,
			listFixtureProducts[i%len(listFixtureProducts)], i%50, i)
		req := httptest.NewRequest(http.MethodPost, "/v1/checkouts/", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+polartest.Token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("create %d: %d %s", i, rec.Code, rec.Body)
		}
		id := rec.Body.String()[len(`{"id":"`):][:36]
		switch {
		case i%4 == 1:
			h.SetStatus(id, client.CheckoutStatusFailed)
		case i%5 == 2:
			h.SetStatus(id, client.CheckoutStatusSucceeded)
		}
		if i%3 == 2 {
			clock.Advance(time.Millisecond)
		}
	}
	runtime.GC() // the garbage of the fill is not the benchmark's
	if listStores.servers == nil {
		listStores.servers = make(map[int]*polartest.Server)
	}
	listStores.servers[n] = srv
	return srv
}

// listQuery is one list request of BenchmarkPolartestList; query builds
// its query string for a store of n sessions.
type listQuery struct {
	name  string
	query func(n int) string
}

// listQueries are the requests: pages of 100 with the default sort, from
// the start and the middle, ascending created_at, each indexed filter,
// status with product (the compound index), and the e-mail search, which
// walks every session.
var listQueries = []listQuery{
	{"default", func(int) string { return "limit=100" }},
	{"default-middle", func(n int) string { return "limit=100&page=" + strconv.Itoa(n/200+1) }},
	{"created_at-last", func(n int) string { return "limit=100&sorting=created_at&page=" + strconv.Itoa(n/100) }},
	{"status", func(int) string { return "limit=100&status=open" }},
	{"product", func(int) string { return "limit=100&product_id=" + polartest.ProductMonthlyID }},
	{"organization", func(int) string { return "limit=100&organization_id=" + polartest.OrganizationID }},
	{"external", func(int) string { return "limit=100&external_customer_id=ext-7" }},
	{"status-two", func(int) string { return "limit=100&status=open&status=succeeded&page=3" }},
	{"status-product", func(int) string { return "limit=100&status=open&product_id=" + polartest.ProductMonthlyID }},
	{"email-scan", func(int) string { return "limit=100&query=user1" }},
}

// BenchmarkPolartestList measures the latency of one list page (100
// items unless the filter matches fewer) from polartest over loopback
// HTTP, at 1k, 10k and 100k sessions in the store, sent one at a time
// by a minimal client that checks the status and discards the body.
// Compare sizes with benchstat -col /n.
func BenchmarkPolartestList(b *testing.B) {
	for _, q := range listQueries {
		b.Run("query="+q.name, func(b *testing.B) {
			for _, n := range listSizes {
				b.Run("n="+strconv.Itoa(n), func(b *testing.B) {
					srv := listStore(b, n)
					hc := newHTTPClient(b)
					url := srv.URL + "/v1/checkouts/?" + q.query(n)
					get := func() error { return getListPage(hc, url) }
					if err := get(); err != nil {
						b.Fatal(err)
					}
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						if err := get(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// getListPage asks for one list page and discards it.
func getListPage(hc *http.Client, url string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	setHeaders(req.Header)
	req.Header.Set("Authorization", "Bearer "+polartest.Token)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return err
}

// BenchmarkPolartestListWalk measures a walk of every page (100 each,
// default sort) of a store of 100k sessions: the server's share of
// paging through everything, which took minutes when each page scanned
// the store.
func BenchmarkPolartestListWalk(b *testing.B) {
	const n, limit = 100000, 100
	srv := listStore(b, n)
	hc := newHTTPClient(b)
	base := srv.URL + "/v1/checkouts/?limit=" + strconv.Itoa(limit) + "&page="
	b.ReportAllocs()
	for b.Loop() {
		for page := 1; page <= n/limit; page++ {
			if err := getListPage(hc, base+strconv.Itoa(page)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
