package contract_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gopolar/checkouts/client"
	"github.com/gopolar/checkouts/tests/contract"
	polar "github.com/gopolar/checkouts/wrapper"
)

// The wrapper surface tests run every operation of package polar through a
// ValidatingTransport against a small scripted handler that answers with
// spec-conformant bodies (the fixtures of client/testdata). Any contract
// violation, in what the SDK sends or in what the script answers, fails
// the test with its operation, location and message.

const surfaceToken = "polar_oat_surfaceToken0123456789abcdef"

// IDs and secrets of the fixtures the script serves.
const (
	fxCheckoutID = "172f80c9-33d9-41b3-945a-aa4e11f252c9" // checkout.json
)

// fxUUID is fxCheckoutID as the SDK hands IDs out.
var fxUUID = polar.MustParseUUID(fxCheckoutID)

const (
	fxSecret  = "polar_c_YsUVbFSSfuHq0ha3hgwncvWDjmPO4FaNr86dnDB1RL4qwTJb"
	productA  = "2bf134c2-7fbe-4c46-8a63-58eb48266595"
	productB  = "c545033e-d7ed-4ab4-8aed-2d5d4e0f9a42"
	orgA      = "fe856f74-0818-4974-846d-50516a452e39"
	orgB      = "1dbfc517-0bbf-4301-9ba8-555ca42b9737"
	customerA = "6c2e1f0a-8a3b-4d6e-9f1c-2b7a5d4e3c21"
	discountA = "79334892-2b00-4b19-93f4-43776bcff247"
)

// surfaceEnv is one scripted server and a wrapper client pointed at it.
type surfaceEnv struct {
	mux    *http.ServeMux // script handlers, under paths such as /v1/checkouts/
	vt     *contract.ValidatingTransport
	c      *polar.Client
	base   string
	mu     sync.Mutex
	sleeps []time.Duration
}

// newSurface starts a server whose API lives under /api and a client for
// it. With validate, every exchange goes through a ValidatingTransport
// and any violation fails t when the test ends.
func newSurface(t *testing.T, validate bool, opts ...polar.Option) *surfaceEnv {
	t.Helper()
	mode := plain
	if validate {
		mode = failOnViolation
	}
	return newSurfaceMode(t, mode, opts...)
}

// How a surfaceEnv treats contract violations.
type surfaceMode int

const (
	plain           surfaceMode = iota // no validation
	failOnViolation                    // validate; violations fail the test
	observe                            // validate; the test inspects e.vt itself
)

func newSurfaceMode(t *testing.T, mode surfaceMode, opts ...polar.Option) *surfaceEnv {
	t.Helper()
	e := &surfaceEnv{mux: http.NewServeMux()}
	root := http.NewServeMux()
	root.Handle("/api/", http.StripPrefix("/api", e.mux))
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	e.base = srv.URL + "/api"
	var rt http.RoundTripper = srv.Client().Transport
	if mode != plain {
		e.vt = &contract.ValidatingTransport{Router: routerFor(t, e.base), Next: rt}
		rt = e.vt
	}
	if mode == failOnViolation {
		t.Cleanup(func() {
			for _, v := range e.vt.Violations() {
				t.Errorf("contract violation: %s", v)
			}
		})
	}
	all := append([]polar.Option{
		polar.WithBaseURL(e.base),
		polar.WithAccessToken(surfaceToken),
		polar.WithHTTPClient(&http.Client{Transport: rt}),
		polar.WithSleep(e.sleep),
	}, opts...)
	c, err := polar.NewClient(all...)
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

func (e *surfaceEnv) sleep(ctx context.Context, d time.Duration) error {
	e.mu.Lock()
	e.sleeps = append(e.sleeps, d)
	e.mu.Unlock()
	return ctx.Err()
}

// serve answers pattern with a fixed status, body and header pairs.
func (e *surfaceEnv) serve(pattern string, status int, body []byte, header ...string) {
	e.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if body == nil {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, body)
	})
}

// jsonBody decodes the request body into a generic value.
func jsonBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		t.Errorf("request body is not a JSON object: %v", err)
	}
	return m
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Realistic request bodies, with every kind of field: tri-state values,
// nulls, metadata of each value type, addresses, ad-hoc prices.
func createBody(t *testing.T) *polar.CheckoutCreate {
	var fixed, custom client.ProductPriceCreate
	if err := fixed.FromProductPriceFixedCreate(client.ProductPriceFixedCreate{PriceAmount: 2500, PriceCurrency: polar.Ptr(client.PresentmentCurrencyEur)}); err != nil {
		t.Fatal(err)
	}
	if err := custom.FromProductPriceCustomCreate(client.ProductPriceCustomCreate{MinimumAmount: polar.Ptr[int64](500), PresetAmount: polar.Value[int64](1500)}); err != nil {
		t.Fatal(err)
	}
	return &polar.CheckoutCreate{
		Products:               []polar.UUID{polar.MustParseUUID(productA), polar.MustParseUUID(productB)},
		Prices:                 polar.Value(map[string][]client.ProductPriceCreate{productA: {fixed}, productB: {custom}}),
		ExternalCustomerID:     polar.Value("cus_42"),
		CustomerEmail:          polar.Value[polar.Email]("ada@example.com"),
		CustomerName:           polar.Value("Ada Lovelace"),
		CustomerBillingName:    polar.Value("Analytical Engines Ltd"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: client.CountryAlpha2InputDE, City: polar.Value("Berlin"), Line1: polar.Value("Unter den Linden 1"), PostalCode: polar.Value("10117"), Line2: polar.Null[string]()}),
		CustomerTaxID:          polar.Value("DE123456789"),
		CustomerIPAddress:      polar.Value("203.0.113.7"),
		IsBusinessCustomer:     polar.Ptr(true),
		Metadata:               &polar.MetadataInput{"order": "42", "priority": 3, "vip": true, "ratio": 0.5},
		CustomerMetadata:       &polar.MetadataInput{"segment": "b2b"},
		CustomFieldData:        &client.CustomFieldData{"company": "Analytical Engines Ltd", "seats_wanted": 3},
		SuccessURL:             polar.Value("https://example.com/thanks?checkout={CHECKOUT_ID}"),
		ReturnURL:              polar.Value("https://example.com/cart"),
		EmbedOrigin:            polar.Value("https://example.com"),
		AllowDiscountCodes:     polar.Ptr(true),
		RequireBillingAddress:  polar.Ptr(false),
		AllowTrial:             polar.Ptr(true),
		TrialInterval:          polar.Value(client.TrialIntervalMonth),
		TrialIntervalCount:     polar.Value(1),
		DiscountID:             polar.Null[polar.UUID](),
		Currency:               polar.Value(client.PresentmentCurrencyEur),
		Locale:                 polar.Value("de-DE"),
	}
}

func updateBody() *polar.CheckoutUpdate {
	return &polar.CheckoutUpdate{
		CustomerEmail:          polar.Value[polar.Email]("grace@example.com"),
		CustomerName:           polar.Null[string](),
		DiscountID:             polar.Value(polar.MustParseUUID(discountA)),
		ProductID:              polar.Value(polar.MustParseUUID(productB)),
		Seats:                  polar.Value(5),
		Metadata:               &polar.MetadataInput{"order": "43"},
		CustomerMetadata:       polar.Null[polar.MetadataInput](),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "US", State: polar.Value("US-NY"), City: polar.Value("New York")}),
		AllowTrial:             polar.Value(false),
		TrialInterval:          polar.Null[client.TrialInterval](),
		SuccessURL:             polar.Value("https://example.com/done"),
	}
}

func clientUpdateBody() *polar.CheckoutUpdatePublic {
	return &polar.CheckoutUpdatePublic{
		CustomerName:           polar.Value("Ada Lovelace"),
		CustomerEmail:          polar.Value[polar.Email]("ada@example.com"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR", City: polar.Value("Paris"), PostalCode: polar.Value("75001")}),
		IsBusinessCustomer:     polar.Value(false),
		CustomerTaxID:          polar.Null[string](),
		DiscountCode:           polar.Value("LAUNCH25"),
		AllowTrial:             polar.Value(client.CheckoutUpdatePublicAllowTrialFalse),
		Amount:                 polar.Value[int64](1500),
		Locale:                 polar.Value("fr"),
		CustomFieldData:        &client.CustomFieldData{"company": "Analytical Engines Ltd", "newsletter": true, "started": "2026-04-01T00:00:00Z", "notes": nil},
	}
}

func confirmBody() *polar.CheckoutConfirmStripe {
	return &polar.CheckoutConfirmStripe{
		ConfirmationTokenID:    polar.Value("ctoken_1NnQ6K2eZvKYlo2C0z1x2y3z"),
		CustomerName:           polar.Value("Ada Lovelace"),
		CustomerEmail:          polar.Value[polar.Email]("ada@example.com"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "GB", PostalCode: polar.Value("SW1A 1AA")}),
		DiscountCode:           polar.Null[string](),
		AllowTrial:             polar.Value(client.CheckoutConfirmStripeAllowTrialFalse),
		PaymentMethodType:      polar.Value("card"),
	}
}

// allFilters sets every list parameter, with values that need escaping.
func allFilters() *polar.ListParams {
	return &polar.ListParams{
		OrganizationID:     &[]polar.UUID{polar.MustParseUUID(orgA), polar.MustParseUUID(orgB)},
		ProductID:          &[]polar.UUID{polar.MustParseUUID(productA), polar.MustParseUUID(productB)},
		CustomerID:         &[]polar.UUID{polar.MustParseUUID(customerA)},
		ExternalCustomerID: &[]string{"cus_42", "cus 43/ü&x=1"},
		Status: &[]polar.CheckoutStatus{
			polar.CheckoutStatusOpen, polar.CheckoutStatusExpired, polar.CheckoutStatusConfirmed,
			polar.CheckoutStatusSucceeded, polar.CheckoutStatusFailed,
		},
		Query: polar.Ptr("ada+test@example.com"),
		Page:  polar.Ptr(2),
		Limit: polar.Ptr(25),
		Sorting: &[]polar.CheckoutSortProperty{
			client.CheckoutSortPropertyMinusCreatedAt, client.CheckoutSortPropertyCreatedAt,
			client.CheckoutSortPropertyExpiresAt, client.CheckoutSortPropertyMinusExpiresAt,
			client.CheckoutSortPropertyStatus, client.CheckoutSortPropertyMinusStatus,
		},
	}
}

// wantFilters is the query allFilters must produce, key by key, in order.
var wantFilters = url.Values{
	"organization_id":      {orgA, orgB},
	"product_id":           {productA, productB},
	"customer_id":          {customerA},
	"external_customer_id": {"cus_42", "cus 43/ü&x=1"},
	"status":               {"open", "expired", "confirmed", "succeeded", "failed"},
	"query":                {"ada+test@example.com"},
	"page":                 {"2"},
	"limit":                {"25"},
	"sorting":              {"-created_at", "created_at", "expires_at", "-expires_at", "status", "-status"},
}

func TestWrapperSurface_everyOperation(t *testing.T) {
	t.Parallel()
	checkoutJSON := fixture(t, "checkout.json")
	publicJSON := fixture(t, "checkout_public.json")
	confirmedJSON := fixture(t, "checkout_public_confirmed.json")
	listJSON := fixture(t, "list_checkouts.json")

	t.Run("Create", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		body := createBody(t)
		e.mux.HandleFunc("POST /v1/checkouts/{$}", func(w http.ResponseWriter, r *http.Request) {
			m := jsonBody(t, r)
			if got, want := mustJSON(t, m["products"]), `["`+productA+`","`+productB+`"]`; got != want {
				t.Errorf("products = %s, want %s", got, want)
			}
			if v, ok := m["discount_id"]; !ok || v != nil {
				t.Errorf("discount_id = %v (present %v), want null", v, ok)
			}
			writeJSON(w, http.StatusCreated, checkoutJSON)
		})
		got, err := e.c.Checkouts.Create(t.Context(), body)
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if got.ID.String() != fxCheckoutID {
			t.Errorf("Create ID = %s", got.ID)
		}
	})

	t.Run("Get", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		e.serve("GET /v1/checkouts/{id}", 200, checkoutJSON)
		got, err := e.c.Checkouts.Get(t.Context(), fxUUID)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got.ID.String() != fxCheckoutID || got.Status != polar.CheckoutStatusOpen {
			t.Errorf("Get = %s %s", got.ID, got.Status)
		}
	})

	t.Run("Update", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		e.mux.HandleFunc("PATCH /v1/checkouts/{id}", func(w http.ResponseWriter, r *http.Request) {
			m := jsonBody(t, r)
			if len(m) == 0 { // the empty update below
				writeJSON(w, 200, checkoutJSON)
				return
			}
			for _, k := range []string{"customer_name", "customer_metadata", "trial_interval"} {
				if v, ok := m[k]; !ok || v != nil {
					t.Errorf("%s = %v (present %v), want null", k, v, ok)
				}
			}
			for _, k := range []string{"amount", "locale", "currency"} {
				if _, ok := m[k]; ok {
					t.Errorf("%s sent, want it left out", k)
				}
			}
			writeJSON(w, 200, checkoutJSON)
		})
		if _, err := e.c.Checkouts.Update(t.Context(), fxUUID, updateBody()); err != nil {
			t.Fatalf("Update: %v", err)
		}
		// An empty update is a valid request too.
		if _, err := e.c.Checkouts.Update(t.Context(), fxUUID, &polar.CheckoutUpdate{}); err != nil {
			t.Fatalf("Update({}): %v", err)
		}
	})

	t.Run("ClientGet", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		e.serve("GET /v1/checkouts/client/{secret}", 200, publicJSON)
		got, err := e.c.Checkouts.ClientGet(t.Context(), fxSecret)
		if err != nil {
			t.Fatalf("ClientGet: %v", err)
		}
		if got.ClientSecret != fxSecret {
			t.Errorf("ClientGet client_secret = %q", got.ClientSecret)
		}
	})

	t.Run("ClientUpdate", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		e.mux.HandleFunc("PATCH /v1/checkouts/client/{secret}", func(w http.ResponseWriter, r *http.Request) {
			m := jsonBody(t, r)
			if m["allow_trial"] != false || m["customer_tax_id"] != nil {
				t.Errorf("body = %v", m)
			}
			writeJSON(w, 200, publicJSON)
		})
		if _, err := e.c.Checkouts.ClientUpdate(t.Context(), fxSecret, clientUpdateBody()); err != nil {
			t.Fatalf("ClientUpdate: %v", err)
		}
	})

	t.Run("ClientConfirm", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		e.serve("POST /v1/checkouts/client/{secret}/confirm", 200, confirmedJSON)
		got, err := e.c.Checkouts.ClientConfirm(t.Context(), fxSecret, confirmBody())
		if err != nil {
			t.Fatalf("ClientConfirm: %v", err)
		}
		if got.Status != client.CheckoutStatusConfirmed || got.CustomerSessionToken.IsNull() {
			t.Errorf("ClientConfirm = %s, token null %v", got.Status, got.CustomerSessionToken.IsNull())
		}
	})

	t.Run("ClientConfirm anonymous", func(t *testing.T) {
		t.Parallel()
		// A token source that has no token: confirm goes out without one,
		// which its `{}` security alternative allows.
		e := newSurface(t, true, polar.WithTokenSource(func(context.Context) (string, error) { return "", nil }))
		e.mux.HandleFunc("POST /v1/checkouts/client/{secret}/confirm", func(w http.ResponseWriter, r *http.Request) {
			if h := r.Header.Get("Authorization"); h != "" {
				t.Errorf("Authorization = %q, want none", h)
			}
			writeJSON(w, 200, confirmedJSON)
		})
		if _, err := e.c.Checkouts.ClientConfirm(t.Context(), fxSecret, &polar.CheckoutConfirmStripe{}); err != nil {
			t.Fatalf("ClientConfirm: %v", err)
		}
	})

	t.Run("List with every filter, sorting and paging", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		e.mux.HandleFunc("GET /v1/checkouts/{$}", func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			for k, want := range wantFilters {
				if got := q[k]; !slices.Equal(got, want) {
					t.Errorf("query %s = %q, want %q", k, got, want)
				}
			}
			if len(q) != len(wantFilters) {
				t.Errorf("query has %d keys, want %d: %s", len(q), len(wantFilters), r.URL.RawQuery)
			}
			writeJSON(w, 200, listJSON)
		})
		page, err := e.c.Checkouts.List(t.Context(), allFilters())
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(page.Items) != 2 || page.Page != 2 || page.MaxPage != 19 || page.TotalCount != 37 || page.NextPage() != 3 {
			t.Errorf("page = %d items, page %d/%d, total %d, next %d", len(page.Items), page.Page, page.MaxPage, page.TotalCount, page.NextPage())
		}
	})

	t.Run("List without parameters", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		e.serve("GET /v1/checkouts/{$}", 200, fixture(t, "list_empty.json"))
		page, err := e.c.Checkouts.List(t.Context(), nil)
		if err != nil || len(page.Items) != 0 || page.NextPage() != 0 {
			t.Fatalf("List(nil) = %+v, %v", page, err)
		}
	})

	t.Run("Do", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		e.serve("GET /v1/checkouts/{id}", 200, checkoutJSON)
		e.serve("GET /v1/checkouts/client/{secret}", 200, publicJSON)
		var co polar.Checkout
		if err := e.c.Do(t.Context(), "GET", "/v1/checkouts/"+fxCheckoutID, nil, &co); err != nil || co.ID.String() != fxCheckoutID {
			t.Fatalf("Do GET checkout: %v (%s)", err, co.ID)
		}
		var pub polar.CheckoutPublic
		if err := e.c.Do(t.Context(), "GET", "/v1/checkouts/client/"+fxSecret, nil, &pub); err != nil {
			t.Fatalf("Do GET client: %v", err)
		}
	})
}

// listPage builds page n of a listing of total sessions, limit per page, from
// checkout.json with distinct IDs.
func listPage(t *testing.T, n, limit, total int) ([]byte, []string) {
	t.Helper()
	var co map[string]any
	if err := json.Unmarshal(fixture(t, "checkout.json"), &co); err != nil {
		t.Fatal(err)
	}
	var items []any
	var ids []string
	for i := (n - 1) * limit; i < min(n*limit, total); i++ {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1)
		item := make(map[string]any, len(co))
		for k, v := range co {
			item[k] = v
		}
		item["id"] = id
		items = append(items, item)
		ids = append(ids, id)
	}
	if items == nil {
		items = []any{}
	}
	maxPage := (total + limit - 1) / limit
	b, err := json.Marshal(map[string]any{"items": items, "pagination": map[string]any{"total_count": total, "max_page": maxPage}})
	if err != nil {
		t.Fatal(err)
	}
	return b, ids
}

func TestWrapperSurface_allOverSeveralPages(t *testing.T) {
	t.Parallel()
	const total, limit = 7, 3
	var want []string
	for n := 1; n <= 3; n++ {
		_, ids := listPage(t, n, limit, total)
		want = append(want, ids...)
	}
	for _, lookahead := range []int{0, 2} {
		t.Run(fmt.Sprintf("lookahead %d", lookahead), func(t *testing.T) {
			t.Parallel()
			e := newSurface(t, true, polar.WithLookahead(lookahead))
			var mu sync.Mutex
			var pages []int
			e.mux.HandleFunc("GET /v1/checkouts/{$}", func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				n, _ := strconv.Atoi(q.Get("page"))
				if q.Get("limit") != strconv.Itoa(limit) || !slices.Equal(q["status"], []string{"open", "expired"}) || q.Get("query") != "ada" {
					t.Errorf("page %d query = %s: filters lost", n, r.URL.RawQuery)
				}
				mu.Lock()
				pages = append(pages, n)
				mu.Unlock()
				b, _ := listPage(t, n, limit, total)
				writeJSON(w, 200, b)
			})
			params := &polar.ListParams{
				Limit:  polar.Ptr(limit),
				Status: &[]polar.CheckoutStatus{polar.CheckoutStatusOpen, polar.CheckoutStatusExpired},
				Query:  polar.Ptr("ada"),
			}
			var got []string
			for co, err := range e.c.Checkouts.All(t.Context(), params) {
				if err != nil {
					t.Fatalf("All: %v", err)
				}
				got = append(got, co.ID.String())
			}
			if !slices.Equal(got, want) {
				t.Errorf("All yielded %v, want %v", got, want)
			}
			slices.Sort(pages)
			if !slices.Equal(pages, []int{1, 2, 3}) {
				t.Errorf("pages fetched = %v, want 1, 2, 3", pages)
			}
			if params.Page != nil || *params.Limit != limit {
				t.Error("All changed the caller's params")
			}
		})
	}
}

// errorCase is one error answer of one operation.
type errorCase struct {
	name   string
	status int
	body   []byte
	header []string
	code   string  // want Error.Code
	is     []error // want errors.Is
	// fields, when > 0, is the number of validation fields wanted.
	fields int
}

// operation is a wrapper call and the route the script answers it on.
type operation struct {
	name    string // operationId
	pattern string // ServeMux pattern
	call    func(ctx context.Context, c *polar.Client) error
}

var operations = []operation{
	{"listCheckouts", "GET /v1/checkouts/{$}", func(ctx context.Context, c *polar.Client) error {
		_, err := c.Checkouts.List(ctx, allFilters())
		return err
	}},
	{"createCheckout", "POST /v1/checkouts/{$}", func(ctx context.Context, c *polar.Client) error {
		_, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{Products: []polar.UUID{polar.MustParseUUID(productA)}, ExternalCustomerID: polar.Value("cus_42")})
		return err
	}},
	{"getCheckout", "GET /v1/checkouts/{id}", func(ctx context.Context, c *polar.Client) error {
		_, err := c.Checkouts.Get(ctx, fxUUID)
		return err
	}},
	{"updateCheckout", "PATCH /v1/checkouts/{id}", func(ctx context.Context, c *polar.Client) error {
		_, err := c.Checkouts.Update(ctx, fxUUID, updateBody())
		return err
	}},
	{"clientGetCheckout", "GET /v1/checkouts/client/{secret}", func(ctx context.Context, c *polar.Client) error {
		_, err := c.Checkouts.ClientGet(ctx, fxSecret)
		return err
	}},
	{"clientUpdateCheckout", "PATCH /v1/checkouts/client/{secret}", func(ctx context.Context, c *polar.Client) error {
		_, err := c.Checkouts.ClientUpdate(ctx, fxSecret, clientUpdateBody())
		return err
	}},
	{"clientConfirmCheckout", "POST /v1/checkouts/client/{secret}/confirm", func(ctx context.Context, c *polar.Client) error {
		_, err := c.Checkouts.ClientConfirm(ctx, fxSecret, confirmBody())
		return err
	}},
}

// errorAnswers lists the error answers, and for each the operations whose
// contract declares it with that body shape.
func errorAnswers(t *testing.T) []struct {
	errorCase
	ops []string
} {
	all := []string{"listCheckouts", "createCheckout", "getCheckout", "updateCheckout", "clientGetCheckout", "clientUpdateCheckout", "clientConfirmCheckout"}
	token := []string{"listCheckouts", "createCheckout", "getCheckout", "updateCheckout"}
	byID := []string{"getCheckout", "updateCheckout", "clientGetCheckout", "clientUpdateCheckout", "clientConfirmCheckout"}
	stateful := []string{"updateCheckout", "clientUpdateCheckout", "clientConfirmCheckout"}
	bySecret := []string{"clientGetCheckout", "clientUpdateCheckout", "clientConfirmCheckout"}
	type answer = struct {
		errorCase
		ops []string
	}
	return []answer{
		{errorCase{name: "400 PaymentError", status: 400, body: fixture(t, "error_payment.json"), code: "PaymentError", is: []error{polar.ErrPaymentFailed}},
			[]string{"clientConfirmCheckout"}},
		{errorCase{name: "401 Unauthorized", status: 401, body: fixture(t, "error_unauthorized.json"), header: []string{"WWW-Authenticate", "Bearer"}, code: "Unauthorized", is: []error{polar.ErrUnauthorized}},
			token},
		{errorCase{name: "401 invalid_token", status: 401, body: fixture(t, "error_invalid_token.json"), header: []string{"WWW-Authenticate", `Bearer error="invalid_token"`}, code: "invalid_token", is: []error{polar.ErrUnauthorized}},
			all},
		{errorCase{name: "403 NotOpenCheckout", status: 403, body: fixture(t, "error_not_open.json"), code: "NotOpenCheckout", is: []error{polar.ErrCheckoutNotOpen, polar.ErrForbidden}},
			stateful},
		{errorCase{name: "403 AlreadyActiveSubscriptionError", status: 403, body: []byte(`{"error":"AlreadyActiveSubscriptionError","detail":"You already have an active subscription."}`), code: "AlreadyActiveSubscriptionError", is: []error{polar.ErrAlreadyActiveSubscription, polar.ErrForbidden}},
			stateful},
		{errorCase{name: "403 NotPermitted", status: 403, body: []byte(`{"error":"NotPermitted","detail":"This organization is not allowed to accept payments."}`), code: "NotPermitted", is: []error{polar.ErrForbidden}},
			all},
		{errorCase{name: "403 insufficient_scope", status: 403, body: fixture(t, "error_insufficient_scope.json"), code: "insufficient_scope", is: []error{polar.ErrForbidden}},
			token},
		{errorCase{name: "404 ResourceNotFound", status: 404, body: fixture(t, "error_not_found.json"), code: "ResourceNotFound", is: []error{polar.ErrNotFound}},
			byID},
		{errorCase{name: "409 CheckoutLocked", status: 409, body: fixture(t, "error_locked.json"), code: "CheckoutLocked", is: []error{polar.ErrCheckoutLocked}},
			stateful},
		{errorCase{name: "409 CheckoutCustomerDeleted", status: 409, body: []byte(`{"error":"CheckoutCustomerDeleted","detail":"The customer was deleted."}`), code: "CheckoutCustomerDeleted"},
			[]string{"clientConfirmCheckout"}},
		{errorCase{name: "410 ExpiredCheckoutError", status: 410, body: fixture(t, "error_expired.json"), code: "ExpiredCheckoutError", is: []error{polar.ErrCheckoutExpired}},
			bySecret},
		{errorCase{name: "422 list", status: 422, body: fixture(t, "error_422_validation.json"), code: "RequestValidationError", is: []error{polar.ErrValidation}, fields: 2},
			all},
		{errorCase{name: "422 string", status: 422, body: fixture(t, "error_422_string.json"), code: "CheckoutCustomerExternalIdMismatch", is: []error{polar.ErrValidation}},
			all},
		{errorCase{name: "429 Retry-After", status: 429, header: []string{"Retry-After", "120"}, is: []error{polar.ErrRateLimited}},
			all},
	}
}

func TestWrapperSurface_everyErrorPath(t *testing.T) {
	t.Parallel()
	for _, a := range errorAnswers(t) {
		for _, op := range operations {
			if !slices.Contains(a.ops, op.name) {
				continue
			}
			t.Run(a.name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				e := newSurface(t, true)
				e.serve(op.pattern, a.status, a.body, a.header...)
				err := op.call(t.Context(), e.c)
				checkAPIError(t, err, a.errorCase)
				if a.status == 429 {
					var rl *polar.RateLimitError
					if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Minute {
						t.Errorf("err = %v, want *RateLimitError with RetryAfter 2m", err)
					}
				}
				if errors.Is(err, polar.ErrMaybeApplied) {
					t.Errorf("a definite %d answer reported as maybe-applied: %v", a.status, err)
				}
			})
		}
	}
}

// checkAPIError checks that err is the *polar.Error of c.
func checkAPIError(t *testing.T, err error, c errorCase) {
	t.Helper()
	var apiErr *polar.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v (%T), want a *polar.Error", err, err)
	}
	if apiErr.StatusCode != c.status || apiErr.Code != c.code {
		t.Errorf("status %d code %q, want %d %q", apiErr.StatusCode, apiErr.Code, c.status, c.code)
	}
	for _, s := range c.is {
		if !errors.Is(err, s) {
			t.Errorf("errors.Is(err, %v) = false for %v", s, err)
		}
	}
	if c.fields > 0 {
		var ve *polar.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != c.fields {
			t.Errorf("err = %v, want a *ValidationError with %d fields", err, c.fields)
		}
	}
	if msg := err.Error(); strings.Contains(msg, surfaceToken) || strings.Contains(msg, fxSecret) || strings.ContainsAny(msg, "\r\n") {
		t.Errorf("Error() = %q: leaks a credential or spans lines", msg)
	}
}

// TestWrapperSurface_retries: 429 with a short Retry-After is waited out and
// retried (for the POSTs too, as a 429 proves nothing was applied), and an
// ambiguous confirmation is reconciled by reading the session: all of it
// within the contract.
func TestWrapperSurface_retries(t *testing.T) {
	t.Parallel()
	for _, op := range operations {
		t.Run("429 then success/"+op.name, func(t *testing.T) {
			t.Parallel()
			e := newSurface(t, true)
			var mu sync.Mutex
			n := 0
			ok := map[string][]byte{
				"listCheckouts":         fixture(t, "list_checkouts.json"),
				"createCheckout":        fixture(t, "checkout.json"),
				"getCheckout":           fixture(t, "checkout.json"),
				"updateCheckout":        fixture(t, "checkout.json"),
				"clientGetCheckout":     fixture(t, "checkout_public.json"),
				"clientUpdateCheckout":  fixture(t, "checkout_public.json"),
				"clientConfirmCheckout": fixture(t, "checkout_public_confirmed.json"),
			}[op.name]
			e.mux.HandleFunc(op.pattern, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				mu.Lock()
				n++
				first := n == 1
				mu.Unlock()
				if first {
					w.Header().Set("Retry-After", "2")
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				status := 200
				if op.name == "createCheckout" {
					status = 201
				}
				writeJSON(w, status, ok)
			})
			if err := op.call(t.Context(), e.c); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			if n != 2 || len(e.sleeps) != 1 || e.sleeps[0] < 2*time.Second {
				t.Errorf("%d requests, waits %v; want 2 requests and one wait of at least 2s", n, e.sleeps)
			}
		})
	}

	t.Run("confirm reconciliation after a reset", func(t *testing.T) {
		t.Parallel()
		e := newSurface(t, true)
		var mu sync.Mutex
		confirmed := false
		e.mux.HandleFunc("POST /v1/checkouts/client/{secret}/confirm", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			mu.Lock()
			confirmed = true
			mu.Unlock()
			hijackReset(t, w)
		})
		e.mux.HandleFunc("GET /v1/checkouts/client/{secret}", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			done := confirmed
			mu.Unlock()
			body := fixture(t, "checkout_public.json")
			if done {
				body = edit(t, body, func(m map[string]any) { m["status"] = "confirmed" })
			}
			writeJSON(w, 200, body)
		})
		got, err := e.c.Checkouts.ClientConfirm(t.Context(), fxSecret, confirmBody())
		if err != nil {
			t.Fatalf("ClientConfirm: %v", err)
		}
		if got.Status != "confirmed" || !got.CustomerSessionToken.IsNull() {
			t.Errorf("reconciled confirm = %s (token null %v), want confirmed with a null token", got.Status, got.CustomerSessionToken.IsNull())
		}
	})
}

// hijackReset drops the connection with a TCP reset instead of answering.
func hijackReset(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Fatalf("hijack: %v", err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// ---------------------------------------------------------------------
// Golden tests: every fixture of client/testdata decodes through the
// wrapper, served by the script and fetched with the operation whose
// schema it fits (fragments such as prices ride inside a checkout).
// ---------------------------------------------------------------------

// golden says how one fixture is served and checked.
type golden struct {
	// validated is false for fixtures that break the contract on purpose
	// (they are fetched without the ValidatingTransport).
	validated bool
	run       func(t *testing.T, e *surfaceEnv, raw []byte)
}

// embed returns checkout.json with f applied, for fragments.
func embed(t *testing.T, f func(co map[string]any, frag any), raw []byte) []byte {
	t.Helper()
	var frag any
	if err := json.Unmarshal(raw, &frag); err != nil {
		t.Fatal(err)
	}
	return edit(t, fixture(t, "checkout.json"), func(co map[string]any) { f(co, frag) })
}

// getVia serves body at GET /v1/checkouts/{id} and fetches it with Get.
func getVia(t *testing.T, e *surfaceEnv, body []byte) *polar.Checkout {
	t.Helper()
	e.serve("GET /v1/checkouts/{id}", 200, body)
	co, err := e.c.Checkouts.Get(t.Context(), fxUUID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	return co
}

// sameJSON fails unless the model encodes back to the fixture: nothing
// the fixture holds is lost or changed by decoding (instants compared as
// instants, since Go writes "Z" where the fixture may have "+00:00").
func sameJSON(t *testing.T, model any, raw []byte) {
	t.Helper()
	got, err := json.Marshal(model)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	if diff := jsonDiff("", normalize(a), normalize(b)); diff != "" {
		t.Errorf("decoded model does not encode back to the fixture: %s", diff)
	}
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	case string:
		if ts, err := time.Parse(time.RFC3339Nano, x); err == nil && len(x) >= 20 {
			return ts.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

// jsonDiff returns the first difference between got and want.
func jsonDiff(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: got %v, want an object", path, got)
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				return fmt.Sprintf("%s/%s: missing after decoding", path, k)
			}
			if d := jsonDiff(path+"/"+k, gv, wv); d != "" {
				return d
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				return fmt.Sprintf("%s/%s: added by decoding (%v)", path, k, g[k])
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: got %v, want %v", path, got, want)
		}
		for i := range w {
			if d := jsonDiff(fmt.Sprintf("%s/%d", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
	default:
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Sprintf("%s: got %v, want %v", path, got, want)
		}
	}
	return ""
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

func priceGolden(want any) golden {
	return golden{validated: true, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		body := embed(t, func(co map[string]any, frag any) {
			co["product_price"] = frag
			co["prices"] = map[string]any{productA: []any{frag}}
		}, raw)
		co := getVia(t, e, body)
		fromPrices := co.Prices.MustGet()[productA][0]
		for _, p := range []polar.CheckoutProductPrice{co.ProductPrice.MustGet(), fromPrices} {
			v, err := polar.PriceVariant(p)
			if err != nil || typeName(v) != typeName(want) {
				t.Errorf("PriceVariant = %s, %v; want %s", typeName(v), err, typeName(want))
			}
			sameJSON(t, v, raw)
		}
	}}
}

func discountGolden(want any) golden {
	return golden{validated: true, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		co := getVia(t, e, embed(t, func(co map[string]any, frag any) { co["discount"] = frag }, raw))
		v, err := polar.DiscountVariant(co.Discount.MustGet())
		if err != nil || typeName(v) != typeName(want) {
			t.Errorf("DiscountVariant = %s, %v; want %s", typeName(v), err, typeName(want))
		}
		sameJSON(t, v, raw)
	}}
}

func customFieldGolden(want any) golden {
	return golden{validated: true, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		body := embed(t, func(co map[string]any, frag any) {
			f := frag.(map[string]any)
			co["attached_custom_fields"] = []any{map[string]any{"custom_field_id": f["id"], "custom_field": frag, "order": 0, "required": true}}
		}, raw)
		co := getVia(t, e, body)
		v, err := polar.CustomFieldVariant(co.AttachedCustomFields.MustGet()[0].CustomField)
		if err != nil || typeName(v) != typeName(want) {
			t.Errorf("CustomFieldVariant = %s, %v; want %s", typeName(v), err, typeName(want))
		}
		sameJSON(t, v, raw)
	}}
}

// errorGolden serves the fixture as the error answer of op.
func errorGolden(op string, status int, validated bool) golden {
	return golden{validated: validated, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		var body struct {
			Error       string          `json:"error"`
			Detail      json.RawMessage `json:"detail"`
			Description string          `json:"error_description"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(operations, func(o operation) bool { return o.name == op })
		e.serve(operations[i].pattern, status, raw)
		err := operations[i].call(t.Context(), e.c)
		c := errorCase{status: status, code: body.Error}
		var fields []polar.FieldError
		if json.Unmarshal(body.Detail, &fields) == nil {
			c.fields = len(fields)
		}
		checkAPIError(t, err, c)
		var apiErr *polar.Error
		errors.As(err, &apiErr)
		var detail string
		_ = json.Unmarshal(body.Detail, &detail)
		switch {
		case c.fields > 0:
			if apiErr.Fields[0].Msg != fields[0].Msg || polar.FieldPath(apiErr.Fields[0]) == "" {
				t.Errorf("Fields[0] = %+v, want %+v", apiErr.Fields[0], fields[0])
			}
		case detail != "" && apiErr.Detail != detail:
			t.Errorf("Detail = %q, want %q", apiErr.Detail, detail)
		case body.Description != "" && apiErr.Detail != body.Description:
			t.Errorf("Detail = %q, want the error_description %q", apiErr.Detail, body.Description)
		}
		if apiErr.Body != "" {
			t.Errorf("Body = %q: a Polar error body was not decoded", apiErr.Body)
		}
	}}
}

var goldens = map[string]golden{
	"checkout.json": {validated: true, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		sameJSON(t, getVia(t, e, raw), raw)
	}},
	"checkout_minimal_nulls.json": {validated: true, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		co := getVia(t, e, raw)
		if !co.CustomerEmail.IsNull() || !co.Discount.IsNull() || !co.ProductPrice.IsNull() {
			t.Errorf("nulls not kept: email %v discount %v price %v", co.CustomerEmail.IsNull(), co.Discount.IsNull(), co.ProductPrice.IsNull())
		}
		sameJSON(t, co, raw)
	}},
	"checkout_public.json": {validated: true, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		e.serve("GET /v1/checkouts/client/{secret}", 200, raw)
		co, err := e.c.Checkouts.ClientGet(t.Context(), fxSecret)
		if err != nil {
			t.Fatalf("ClientGet: %v", err)
		}
		sameJSON(t, co, raw)
	}},
	"checkout_public_confirmed.json": {validated: true, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		e.serve("POST /v1/checkouts/client/{secret}/confirm", 200, raw)
		co, err := e.c.Checkouts.ClientConfirm(t.Context(), fxSecret, confirmBody())
		if err != nil {
			t.Fatalf("ClientConfirm: %v", err)
		}
		sameJSON(t, co, raw)
	}},
	"list_checkouts.json": {validated: true, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		e.serve("GET /v1/checkouts/{$}", 200, raw)
		page, err := e.c.Checkouts.List(t.Context(), nil)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		sameJSON(t, map[string]any{"items": page.Items, "pagination": polar.Pagination{TotalCount: page.TotalCount, MaxPage: page.MaxPage}}, raw)
	}},
	"list_empty.json": {validated: true, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		e.serve("GET /v1/checkouts/{$}", 200, raw)
		page, err := e.c.Checkouts.List(t.Context(), nil)
		if err != nil || len(page.Items) != 0 || page.MaxPage != 0 || page.TotalCount != 0 {
			t.Fatalf("List = %+v, %v", page, err)
		}
	}},

	"price_fixed.json":         priceGolden(client.ProductPriceFixed{}),
	"price_custom.json":        priceGolden(client.ProductPriceCustom{}),
	"price_seat_based.json":    priceGolden(client.ProductPriceSeatBased{}),
	"price_metered_unit.json":  priceGolden(client.ProductPriceMeteredUnit{}),
	"price_unit_based.json":    priceGolden(client.ProductPriceUnitBased{}),
	"price_metered_tiers.json": priceGolden(client.ProductPriceMeteredTiers{}),
	"price_legacy_fixed.json":  priceGolden(client.LegacyRecurringProductPriceFixed{}),
	"price_legacy_custom.json": priceGolden(client.LegacyRecurringProductPriceCustom{}),

	"discount_fixed_once_forever.json":      discountGolden(client.CheckoutDiscountFixedOnceForeverDuration{}),
	"discount_fixed_repeat.json":            discountGolden(client.CheckoutDiscountFixedRepeatDuration{}),
	"discount_percentage_once_forever.json": discountGolden(client.CheckoutDiscountPercentageOnceForeverDuration{}),
	"discount_percentage_repeat.json":       discountGolden(client.CheckoutDiscountPercentageRepeatDuration{}),

	"custom_field_text.json":     customFieldGolden(client.CustomFieldText{}),
	"custom_field_number.json":   customFieldGolden(client.CustomFieldNumber{}),
	"custom_field_date.json":     customFieldGolden(client.CustomFieldDate{}),
	"custom_field_checkbox.json": customFieldGolden(client.CustomFieldCheckbox{}),
	"custom_field_select.json":   customFieldGolden(client.CustomFieldSelect{}),

	"error_not_found.json":          errorGolden("getCheckout", 404, true),
	"error_expired.json":            errorGolden("clientGetCheckout", 410, true),
	"error_not_open.json":           errorGolden("clientConfirmCheckout", 403, true),
	"error_payment.json":            errorGolden("clientConfirmCheckout", 400, true),
	"error_locked.json":             errorGolden("updateCheckout", 409, true),
	"error_unauthorized.json":       errorGolden("listCheckouts", 401, true),
	"error_invalid_token.json":      errorGolden("clientGetCheckout", 401, true),
	"error_insufficient_scope.json": errorGolden("createCheckout", 403, true),
	"error_422_validation.json":     errorGolden("createCheckout", 422, true),
	"error_422_string.json":         errorGolden("clientConfirmCheckout", 422, true),
	// An unknown route or API version: the body is only {"detail"}, which
	// no operation's 404 (ResourceNotFound, which needs `error`) allows.
	"error_404_route.json": errorGolden("getCheckout", 404, false),

	// Deliberately outside the spec: values a newer server may send.
	"unknown_enum_checkout.json": {validated: false, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		co := getVia(t, e, raw)
		if co.Status != "archived" || co.Status.Valid() || co.PaymentProcessor != "adyen" || co.PaymentProcessor.Valid() {
			t.Errorf("unknown enum values not kept: status %q processor %q", co.Status, co.PaymentProcessor)
		}
		if tb := co.TaxBehavior.MustGet(); tb != "hybrid" || tb.Valid() {
			t.Errorf("tax_behavior = %q", tb)
		}
		sameJSON(t, co, raw)
	}},
	"unknown_union_checkout.json": {validated: false, run: func(t *testing.T, e *surfaceEnv, raw []byte) {
		co := getVia(t, e, raw)
		var fx map[string]any
		if err := json.Unmarshal(raw, &fx); err != nil {
			t.Fatal(err)
		}
		unknownPrices := map[string]polar.CheckoutProductPrice{
			"products/0/prices/1":       co.Products[0].Prices[1],
			"product/prices/1":          co.Product.MustGet().Prices[1],
			"product_price":             co.ProductPrice.MustGet(),
			"prices/" + productA + "/1": co.Prices.MustGet()[productA][1],
		}
		for where, p := range unknownPrices {
			v, err := polar.PriceVariant(p)
			u, ok := v.(polar.UnknownVariant)
			if err != nil || !ok || u.Kind != "future_type" {
				t.Errorf("%s: PriceVariant = %#v, %v; want UnknownVariant future_type", where, v, err)
				continue
			}
			sameJSON(t, u.Raw, mustRaw(t, p))
		}
		for i, p := range co.Products[0].Prices {
			if i == 1 {
				continue
			}
			if v, err := polar.PriceVariant(p); err != nil || typeName(v) == typeName(polar.UnknownVariant{}) {
				t.Errorf("products/0/prices/%d: PriceVariant = %T, %v; want a known price", i, v, err)
			}
		}
		fields := co.AttachedCustomFields.MustGet()
		v, err := polar.CustomFieldVariant(fields[1].CustomField)
		if u, ok := v.(polar.UnknownVariant); err != nil || !ok || u.Kind != "signature" {
			t.Errorf("attached_custom_fields/1: CustomFieldVariant = %#v, %v; want UnknownVariant signature", v, err)
		}
		if v, err := polar.CustomFieldVariant(fields[0].CustomField); err != nil || typeName(v) == typeName(polar.UnknownVariant{}) {
			t.Errorf("attached_custom_fields/0: CustomFieldVariant = %T, %v; want a known field", v, err)
		}
		if v, err := polar.DiscountVariant(co.Discount.MustGet()); err != nil || typeName(v) != typeName(client.CheckoutDiscountPercentageRepeatDuration{}) {
			t.Errorf("discount: DiscountVariant = %T, %v; want the known percentage/repeating", v, err)
		}
		sameJSON(t, co, raw)
	}},
}

func mustRaw(t *testing.T, p polar.CheckoutProductPrice) []byte {
	t.Helper()
	b, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWrapperGolden_fixtures(t *testing.T) {
	t.Parallel()
	files, err := filepathGlob(fixturesDir, "*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixturesDir, err)
	}
	for _, name := range files {
		g, ok := goldens[name]
		if !ok {
			t.Errorf("%s has no golden entry in wrapper_surface_test.go: say how the wrapper fetches it", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mode := failOnViolation
			if !g.validated {
				mode = plain
			}
			g.run(t, newSurfaceMode(t, mode), fixture(t, name))
		})
	}
	for name := range goldens {
		if !slices.Contains(files, name) {
			t.Errorf("golden entry %s names no file of %s", name, fixturesDir)
		}
	}
}

// TestWrapperGolden_outsideSpecFixturesAreViolations proves the fixtures
// fetched without the ValidatingTransport had to be: through it, each
// gives violations (and still decodes).
func TestWrapperGolden_outsideSpecFixturesAreViolations(t *testing.T) {
	t.Parallel()
	for name, g := range goldens {
		if g.validated {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newSurfaceMode(t, observe)
			g.run(t, e, fixture(t, name))
			vs := e.vt.Violations()
			if len(vs) == 0 {
				t.Errorf("%s passed the contract: fetch it with validation", name)
			}
			for _, v := range vs {
				t.Logf("expected violation: %s", v)
			}
		})
	}
}

// TestWrapperGolden_unknownDiscount: a discount kind this SDK does not
// know comes back from DiscountVariant as an UnknownVariant.
func TestWrapperGolden_unknownDiscount(t *testing.T) {
	t.Parallel()
	e := newSurface(t, false)
	body := edit(t, fixture(t, "unknown_union_checkout.json"), func(co map[string]any) {
		d := co["discount"].(map[string]any)
		d["type"], d["duration"] = "bogo", "lifetime"
	})
	co := getVia(t, e, body)
	v, err := polar.DiscountVariant(co.Discount.MustGet())
	if u, ok := v.(polar.UnknownVariant); err != nil || !ok || u.Kind != "bogo/lifetime" {
		t.Errorf("DiscountVariant = %#v, %v; want UnknownVariant bogo/lifetime", v, err)
	}
}

// filepathGlob returns the base names of the files in dir matching pattern.
func filepathGlob(dir, pattern string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, pattern))
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names, err
}
