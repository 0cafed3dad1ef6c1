package polartest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/polartest"
)

// listPage lists with the raw query q.
func (e *env) listPage(t *testing.T, q string) client.ListResourceCheckout {
	t.Helper()
	r := e.do(http.MethodGet, "/v1/checkouts/"+q, nil, token...)
	if r.status != http.StatusOK {
		t.Fatalf("list %s: %d %s", q, r.status, r.raw)
	}
	var out client.ListResourceCheckout
	if err := json.Unmarshal(r.raw, &out); err != nil {
		t.Fatal(err)
	}
	if out.Items == nil {
		t.Fatalf("list %s: items is null: %s", q, r.raw)
	}
	return out
}

// seedList creates 25 checkouts a second apart: products cycle through
// one-time, monthly and free; emails are user<i>@example.com (upper case
// for multiples of 5); external IDs ext-<i%3>. Checkout 0 is succeeded
// and 1 expired.
func seedList(t *testing.T, e *env) []client.Checkout {
	t.Helper()
	products := []string{polartest.ProductOneTimeID, polartest.ProductMonthlyID, polartest.ProductFreeID}
	var out []client.Checkout
	for i := range 25 {
		email := fmt.Sprintf("user%d@example.com", i)
		if i%5 == 0 {
			email = strings.ToUpper(email)
		}
		out = append(out, e.create(map[string]any{
			"products":             []string{products[i%3]},
			"customer_email":       email,
			"external_customer_id": fmt.Sprintf("ext-%d", i%3),
		}))
		e.clock.Advance(time.Second)
	}
	e.h.SetStatus(out[0].ID.String(), client.CheckoutStatusSucceeded)
	e.h.Expire(out[1].ID.String())
	return out
}

func ids(items []client.Checkout) []string {
	out := make([]string, len(items))
	for i, c := range items {
		out[i] = c.ID.String()
	}
	return out
}

func TestListFiltersAndSorting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	all := seedList(t, e)
	newestFirst := ids(all)
	slices.Reverse(newestFirst)

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"default: newest first", "?limit=100", newestFirst},
		{"oldest first", "?limit=100&sorting=created_at", ids(all)},
		{"by product", "?limit=100&sorting=created_at&product_id=" + polartest.ProductFreeID, ids([]client.Checkout{all[2], all[5], all[8], all[11], all[14], all[17], all[20], all[23]})},
		{"several statuses", "?sorting=created_at&status=succeeded&status=expired", ids(all[:2])},
		{"email search ignores case", "?query=USER1&sorting=created_at", ids([]client.Checkout{all[1], all[10], all[11], all[12], all[13], all[14], all[15], all[16], all[17], all[18], all[19]})[:10]},
		{"external id", "?external_customer_id=ext-2&external_customer_id=ext-nope&sorting=created_at&limit=3", ids([]client.Checkout{all[2], all[5], all[8]})},
		{"our organization", "?organization_id=" + polartest.OrganizationID + "&limit=1", newestFirst[:1]},
		{"another organization", "?organization_id=10000000-0000-4000-8000-0000000000aa", []string{}},
		{"unknown customer", "?customer_id=60000000-0000-4000-8000-000000000001", []string{}},
		{"status then newest", "?sorting=status&sorting=-created_at&limit=3", []string{all[1].ID.String(), newestFirst[0], newestFirst[1]}},
		{"status descending", "?sorting=-status&limit=1", []string{all[0].ID.String()}},
		{"expires_at descending", "?sorting=-expires_at&limit=2", newestFirst[:2]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ids(e.listPage(t, tc.query).Items)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestListTieBreakByID(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // the clock stands still: every created_at is the same
	var created []string
	for range 7 {
		created = append(created, e.createOf(polartest.ProductFreeID).ID.String())
	}
	slices.Sort(created)
	var paged []string
	for page := 1; page <= 3; page++ {
		paged = append(paged, ids(e.listPage(t, fmt.Sprintf("?limit=3&page=%d", page)).Items)...)
	}
	if !slices.Equal(paged, created) {
		t.Errorf("pages %v, want the IDs in order %v", paged, created)
	}
}

func TestListPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seedList(t, e)
	tests := []struct {
		query          string
		items, maxPage int
	}{
		{"", 10, 3},
		{"?page=3", 5, 3},
		{"?page=4", 0, 3},
		{"?page=9223372036854775807", 0, 3},
		{"?page=99999999999999999999999", 0, 3},
		{"?limit=7&page=4", 4, 4},
		{"?limit=25", 25, 1},
		{"?limit=1000", 25, 1},
		{"?limit=99999999999999999999999", 25, 1},
		{"?page=1&page=2", 10, 3}, // the last value wins
		{"?status=failed", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			p := e.listPage(t, tc.query)
			total := 25
			if tc.maxPage == 0 {
				total = 0
			}
			if len(p.Items) != tc.items || p.Pagination.MaxPage != tc.maxPage || p.Pagination.TotalCount != total {
				t.Errorf("%d items, max_page %d, total %d; want %d, %d, %d", len(p.Items), p.Pagination.MaxPage, p.Pagination.TotalCount, tc.items, tc.maxPage, total)
			}
		})
	}
}

func TestListClampsLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range 101 {
		e.createOf(polartest.ProductFreeID)
	}
	p := e.listPage(t, "?limit=500")
	if len(p.Items) != 100 || p.Pagination.MaxPage != 2 || p.Pagination.TotalCount != 101 {
		t.Errorf("%d items, max_page %d, total %d", len(p.Items), p.Pagination.MaxPage, p.Pagination.TotalCount)
	}
	if p2 := e.listPage(t, "?limit=500&page=2"); len(p2.Items) != 1 {
		t.Errorf("page 2: %d items", len(p2.Items))
	}
}

func TestListValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		query, loc, typ string
	}{
		{"?page=0", "query.page", "greater_than"},
		{"?limit=0", "query.limit", "greater_than"},
		{"?limit=-5", "query.limit", "greater_than"},
		{"?page=abc", "query.page", "int_parsing"},
		{"?limit=1.5", "query.limit", "int_parsing"},
		{"?limit=", "query.limit", "int_parsing"},
		{"?page=-99999999999999999999999", "query.page", "int_parsing"},
		{"?status=paid", "query.status.0", "enum"},
		{"?status=open&status=paid", "query.status.1", "enum"},
		{"?sorting=amount", "query.sorting.0", "enum"},
		{"?organization_id=x", "query.organization_id.0", "uuid_parsing"},
		{"?product_id=" + url.QueryEscape("20000000-0000-1000-8000-000000000001"), "query.product_id.0", "uuid_version"},
		{"?customer_id=%zz", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			r := e.do(http.MethodGet, "/v1/checkouts/"+tc.query, nil, token...)
			if tc.loc == "" {
				if r.status == http.StatusInternalServerError {
					t.Fatalf("500: %s", r.raw)
				}
				return
			}
			wantError(t, r, http.StatusUnprocessableEntity, "RequestValidationError", tc.loc, tc.typ)
		})
	}
}
