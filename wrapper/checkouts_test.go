package polar_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

// testSDKHeaders checks the headers every request carries.
func testSDKHeaders(t *testing.T, r *http.Request, wantAuth string) {
	t.Helper()
	testHeader(t, r, "Polar-Version", polar.DefaultAPIVersion)
	testHeader(t, r, "Accept", "application/json")
	testHeader(t, r, "Authorization", wantAuth)
	if ua := r.Header.Get("User-Agent"); len(ua) < len("gopolar-checkouts/") || ua[:len("gopolar-checkouts/")] != "gopolar-checkouts/" {
		t.Errorf("User-Agent = %q, want gopolar-checkouts/…", ua)
	}
}

func TestCheckoutsService_Get(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/v1/checkouts/{id}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testSDKHeaders(t, r, "Bearer "+testToken)
		if got := r.PathValue("id"); got != testID {
			t.Errorf("id = %q, want %q", got, testID)
		}
		writeJSON(w, http.StatusOK, checkoutJSON)
	})
	got, err := c.Checkouts.Get(t.Context(), testUUID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.ID.String() != testID || got.Amount != 2500 || got.Status != polar.CheckoutStatusOpen {
		t.Errorf("Get = {ID:%s Amount:%d Status:%s}, want {%s 2500 open}", got.ID, got.Amount, got.Status, testID)
	}
	if !got.CustomerEmail.IsNull() {
		t.Errorf("CustomerEmail = %v, want null", got.CustomerEmail)
	}
}

func TestCheckoutsService_Create(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	product := polar.MustParseUUID("11111111-1111-4111-8111-111111111111")
	mux.HandleFunc("/v1/checkouts/{$}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testSDKHeaders(t, r, "Bearer "+testToken)
		testHeader(t, r, "Content-Type", "application/json")
		testJSONBody(t, r, `{"products":["11111111-1111-4111-8111-111111111111"],"external_customer_id":"cus_42","customer_email":null,"metadata":{"order":"42"}}`)
		writeJSON(w, http.StatusCreated, checkoutJSON)
	})
	body := &polar.CheckoutCreate{
		Products:           []polar.UUID{product},
		ExternalCustomerID: polar.Value("cus_42"),
		CustomerEmail:      polar.Null[polar.Email](),
		Metadata:           &polar.MetadataInput{"order": "42"},
	}
	got, err := c.Checkouts.Create(t.Context(), body)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if got.ID.String() != testID {
		t.Errorf("Create ID = %s, want %s", got.ID, testID)
	}
}

func TestCheckoutsService_Update_triState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body polar.CheckoutUpdate
		want string
	}{
		{"nothing set sends an empty object", polar.CheckoutUpdate{}, `{}`},
		{"null clears", polar.CheckoutUpdate{DiscountID: polar.Null[polar.UUID]()}, `{"discount_id":null}`},
		{"value sets", polar.CheckoutUpdate{CustomerEmail: polar.Value[polar.Email]("ada@example.com")}, `{"customer_email":"ada@example.com"}`},
		{"mixed", polar.CheckoutUpdate{
			DiscountID:    polar.Null[polar.UUID](),
			CustomerEmail: polar.Value[polar.Email]("ada@example.com"),
			Metadata:      &polar.MetadataInput{"k": "v"},
		}, `{"discount_id":null,"customer_email":"ada@example.com","metadata":{"k":"v"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			mux.HandleFunc("/v1/checkouts/{id}", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodPatch)
				testSDKHeaders(t, r, "Bearer "+testToken)
				testJSONBody(t, r, tt.want)
				writeJSON(w, http.StatusOK, checkoutJSON)
			})
			body := tt.body
			if _, err := c.Checkouts.Update(t.Context(), testUUID, &body); err != nil {
				t.Fatalf("Update: %v", err)
			}
		})
	}
}

func TestCheckoutsService_List(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	org := polar.MustParseUUID("22222222-2222-4222-8222-222222222222")
	mux.HandleFunc("/v1/checkouts/{$}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testSDKHeaders(t, r, "Bearer "+testToken)
		want := "organization_id=22222222-2222-4222-8222-222222222222&status=open&status=confirmed&query=ada%40example.com&page=2&limit=5&sorting=-created_at&sorting=status"
		if r.URL.RawQuery != want {
			t.Errorf("query = %s\nwant    %s", r.URL.RawQuery, want)
		}
		writeJSON(w, http.StatusOK, `{"items":[`+checkoutJSON+`],"pagination":{"total_count":6,"max_page":2}}`)
	})
	page, err := c.Checkouts.List(t.Context(), &polar.ListParams{
		OrganizationID: &[]polar.UUID{org},
		Status:         &[]polar.CheckoutStatus{polar.CheckoutStatusOpen, polar.CheckoutStatusConfirmed},
		Query:          polar.Ptr("ada@example.com"),
		Page:           polar.Ptr(2),
		Limit:          polar.Ptr(5),
		Sorting:        &[]polar.CheckoutSortProperty{"-created_at", "status"},
	})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(page.Items) != 1 || page.Page != 2 || page.MaxPage != 2 || page.TotalCount != 6 || page.NextPage() != 0 {
		t.Errorf("List = %d items, page %d/%d, total %d, next %d; want 1 items, page 2/2, total 6, next 0",
			len(page.Items), page.Page, page.MaxPage, page.TotalCount, page.NextPage())
	}
}

func TestCheckoutsService_ClientGet_sendsNoToken(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/v1/checkouts/client/{secret}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testSDKHeaders(t, r, "")
		if r.PathValue("secret") != testSecret {
			t.Errorf("secret = %q", r.PathValue("secret"))
		}
		writeJSON(w, http.StatusOK, publicJSON)
	})
	got, err := c.Checkouts.ClientGet(t.Context(), testSecret)
	if err != nil {
		t.Fatalf("ClientGet: %v", err)
	}
	if got.ClientSecret != testSecret {
		t.Errorf("ClientSecret = %q", got.ClientSecret)
	}
}

func TestCheckoutsService_ClientUpdate_sendsNoToken(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/v1/checkouts/client/{secret}", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPatch)
		testSDKHeaders(t, r, "")
		testJSONBody(t, r, `{"customer_billing_address":{"country":"FR","city":"Paris"},"discount_code":null}`)
		writeJSON(w, http.StatusOK, publicJSON)
	})
	_, err := c.Checkouts.ClientUpdate(t.Context(), testSecret, &polar.CheckoutUpdatePublic{
		CustomerBillingAddress: polar.Value(polar.AddressInput{Country: "FR", City: polar.Value("Paris")}),
		DiscountCode:           polar.Null[string](),
	})
	if err != nil {
		t.Fatalf("ClientUpdate: %v", err)
	}
}

func TestCheckoutsService_ClientConfirm_tokenOnlyIfConfigured(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []polar.Option
		wantAuth string
	}{
		{"with a token", nil, "Bearer " + testToken},
		{"anonymous", []polar.Option{polar.WithTokenSource(func(context.Context) (string, error) { return "", nil })}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t, tt.opts...)
			mux.HandleFunc("/v1/checkouts/client/{secret}/confirm", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodPost)
				testSDKHeaders(t, r, tt.wantAuth)
				testJSONBody(t, r, `{"confirmation_token_id":"ctoken_1"}`)
				writeJSON(w, http.StatusOK, fixture("checkout_public_confirmed.json", map[string]any{"id": testID, "status": "confirmed", "customer_session_token": "polar_cst_x"}))
			})
			got, err := c.Checkouts.ClientConfirm(t.Context(), testSecret, &polar.CheckoutConfirmStripe{ConfirmationTokenID: polar.Value("ctoken_1")})
			if err != nil {
				t.Fatalf("ClientConfirm: %v", err)
			}
			if tok, _ := got.CustomerSessionToken.Get(); tok != "polar_cst_x" {
				t.Errorf("CustomerSessionToken = %q", tok)
			}
		})
	}
}

func TestCheckoutsService_tokenOperationsNeedAToken(t *testing.T) {
	t.Setenv("POLAR_ACCESS_TOKEN", "")
	c, err := polar.NewClient(polar.WithBaseURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	calls := map[string]func() error{
		"Get":    func() error { _, err := c.Checkouts.Get(ctx, testUUID); return err },
		"List":   func() error { _, err := c.Checkouts.List(ctx, nil); return err },
		"Create": func() error { _, err := c.Checkouts.Create(ctx, &polar.CheckoutCreate{}); return err },
		"Update": func() error { _, err := c.Checkouts.Update(ctx, testUUID, &polar.CheckoutUpdate{}); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, polar.ErrNoAccessToken) {
			t.Errorf("%s without a token: err = %v, want ErrNoAccessToken", name, err)
		}
	}
}

func TestNewClient_tokenFromEnvironment(t *testing.T) {
	t.Setenv("POLAR_ACCESS_TOKEN", "polar_oat_fromenv")
	var got string
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
		writeJSON(w, http.StatusOK, checkoutJSON)
	})
	c, err := polar.NewClient(polar.WithBaseURL(srv))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Checkouts.Get(t.Context(), testUUID); err != nil {
		t.Fatal(err)
	}
	if got != "Bearer polar_oat_fromenv" {
		t.Errorf("Authorization = %q, want the token from POLAR_ACCESS_TOKEN", got)
	}
}
