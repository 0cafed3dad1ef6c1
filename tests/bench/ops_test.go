package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/gopolar/checkouts/client"
	polar "github.com/gopolar/checkouts/wrapper"
)

// The bodies sent by Update and ClientConfirm.
var (
	// updateBody is tri-state: discount_id is null (clear it),
	// customer_email a value, every other field absent (keep it).
	updateBody = polar.CheckoutUpdate{
		DiscountID:    polar.Null[polar.UUID](),
		CustomerEmail: polar.Value[polar.Email]("marit@kleurrijk-ontwerp.example"),
	}
	confirmBody = polar.CheckoutConfirmStripe{
		ConfirmationTokenID: polar.Value("ctoken_1RbX9kLmNoPqRsTuVwXyZaBc"),
		CustomerName:        polar.Value("Marit van der Berg"),
		CustomerEmail:       polar.Value[polar.Email]("marit@kleurrijk-ontwerp.example"),
		IsBusinessCustomer:  polar.Value(true),
		CustomerBillingName: polar.Value("Kleurrijk Ontwerp B.V."),
		CustomerTaxID:       polar.Value("NL859123456B01"),
		CustomerBillingAddress: polar.Value(polar.AddressInput{
			Line1:      polar.Value("Keizersgracht 452"),
			Line2:      polar.Value("3e verdieping"),
			PostalCode: polar.Value("1016 GD"),
			City:       polar.Value("Amsterdam"),
			Country:    "NL",
		}),
		CustomFieldData: &client.CustomFieldData{
			"vat-reference": "PO-NW-2026-0117",
			"team-size":     8,
			"accept-dpa":    true,
		},
	}
	listParams = polar.ListParams{Page: polar.Ptr(1), Limit: polar.Ptr(listPageSize)}
)

// op is one implementation of one operation: it sends one request and
// decodes the answer, returning an error if anything is off.
type op func(ctx context.Context) error

// impls are the implementations of an operation, in the order the
// benchmarks run them and benchstat shows them (raw is the base):
//   - raw: net/http by hand, json.NewDecoder(resp.Body).Decode;
//   - rawUnmarshal: the same but io.ReadAll then json.Unmarshal, which is
//     how the wrapper and the generated client decode, so the difference
//     to the wrapper is the wrapper's own work;
//   - generated: client.ClientWithResponses;
//   - wrapper: package polar.
type impls struct {
	raw, rawUnmarshal, generated, wrapper op
}

// decoding says how the raw baseline decodes a body.
type decoding int

const (
	streamDecode    decoding = iota // json.NewDecoder(body).Decode
	unmarshalDecode                 // io.ReadAll, then json.Unmarshal
)

// family sets up one benchmark family: the server and the one
// *http.Client that the three implementations share.
type family struct {
	srv  *fixedServer
	hc   *http.Client
	gen  *client.ClientWithResponses
	pol  *polar.Client
	uid  polar.UUID
	list *client.ListCheckoutsParams
}

func newFamily(tb testing.TB, hc *http.Client) *family {
	tb.Helper()
	srv := newFixedServer(tb)
	if hc == nil {
		hc = newHTTPClient(tb)
	}
	gen, err := client.NewClientWithResponses(srv.URL, client.WithHTTPClient(hc), client.WithRequestEditorFn(setHeadersEditor))
	if err != nil {
		tb.Fatal(err)
	}
	pol, err := polar.NewClient(polar.WithBaseURL(srv.URL), polar.WithAccessToken(accessToken), polar.WithHTTPClient(hc))
	if err != nil {
		tb.Fatal(err)
	}
	lp := listParams
	return &family{srv: srv, hc: hc, gen: gen, pol: pol, uid: polar.MustParseUUID(checkoutID), list: &lp}
}

// setHeaders sets the headers the wrapper sends on every request.
func setHeaders(h http.Header) {
	h.Set("Polar-Version", client.APIVersion)
	h.Set("User-Agent", userAgent)
	h.Set("Accept", "application/json")
	h.Set("Authorization", "Bearer "+accessToken)
}

func setHeadersEditor(_ context.Context, req *http.Request) error {
	setHeaders(req.Header)
	return nil
}

// rawDo is the hand-written baseline: build the request with the same
// headers as the SDK, send it, check the status and decode the body into
// out with encoding/json. The body is drained so the connection is reused.
func (f *family) rawDo(ctx context.Context, dec decoding, method, url string, body []byte, out any) error {
	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rdr)
	if err != nil {
		return err
	}
	setHeaders(req.Header)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	if dec == unmarshalDecode {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		return json.Unmarshal(b, out)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

func wantID(got polar.UUID, want string) error {
	if got.String() != want {
		return fmt.Errorf("decoded id %s, want %s", got, want)
	}
	return nil
}

func (f *family) get() impls {
	raw := func(dec decoding) op {
		return func(ctx context.Context) error {
			var co client.Checkout
			if err := f.rawDo(ctx, dec, http.MethodGet, f.srv.URL+"/v1/checkouts/"+checkoutID, nil, &co); err != nil {
				return err
			}
			return wantID(co.ID, checkoutID)
		}
	}
	return impls{
		raw:          raw(streamDecode),
		rawUnmarshal: raw(unmarshalDecode),
		generated: func(ctx context.Context) error {
			resp, err := f.gen.GetCheckoutWithResponse(ctx, f.uid)
			if err != nil {
				return err
			}
			if resp.JSON200 == nil {
				return fmt.Errorf("status %d", resp.StatusCode())
			}
			return wantID(resp.JSON200.ID, checkoutID)
		},
		wrapper: func(ctx context.Context) error {
			co, err := f.pol.Checkouts.Get(ctx, f.uid)
			if err != nil {
				return err
			}
			return wantID(co.ID, checkoutID)
		},
	}
}

func (f *family) update() impls {
	raw := func(dec decoding) op {
		return func(ctx context.Context) error {
			body, err := json.Marshal(updateBody)
			if err != nil {
				return err
			}
			var co client.Checkout
			if err := f.rawDo(ctx, dec, http.MethodPatch, f.srv.URL+"/v1/checkouts/"+checkoutID, body, &co); err != nil {
				return err
			}
			return wantID(co.ID, checkoutID)
		}
	}
	return impls{
		raw:          raw(streamDecode),
		rawUnmarshal: raw(unmarshalDecode),
		generated: func(ctx context.Context) error {
			resp, err := f.gen.UpdateCheckoutWithResponse(ctx, f.uid, updateBody)
			if err != nil {
				return err
			}
			if resp.JSON200 == nil {
				return fmt.Errorf("status %d", resp.StatusCode())
			}
			return wantID(resp.JSON200.ID, checkoutID)
		},
		wrapper: func(ctx context.Context) error {
			body := updateBody
			co, err := f.pol.Checkouts.Update(ctx, f.uid, &body)
			if err != nil {
				return err
			}
			return wantID(co.ID, checkoutID)
		},
	}
}

func wantPage(items []client.Checkout) error {
	if len(items) != listPageSize {
		return fmt.Errorf("%d items, want %d", len(items), listPageSize)
	}
	return wantID(items[listPageSize-1].ID, itemID(listPageSize-1))
}

func (f *family) listOne() impls {
	raw := func(dec decoding) op {
		return func(ctx context.Context) error {
			var l client.ListResourceCheckout
			if err := f.rawDo(ctx, dec, http.MethodGet, f.srv.URL+"/v1/checkouts/?limit=100&page=1", nil, &l); err != nil {
				return err
			}
			return wantPage(l.Items)
		}
	}
	return impls{
		raw:          raw(streamDecode),
		rawUnmarshal: raw(unmarshalDecode),
		generated: func(ctx context.Context) error {
			resp, err := f.gen.ListCheckoutsWithResponse(ctx, f.list)
			if err != nil {
				return err
			}
			if resp.JSON200 == nil {
				return fmt.Errorf("status %d", resp.StatusCode())
			}
			return wantPage(resp.JSON200.Items)
		},
		wrapper: func(ctx context.Context) error {
			page, err := f.pol.Checkouts.List(ctx, f.list)
			if err != nil {
				return err
			}
			return wantPage(page.Items)
		},
	}
}

func (f *family) confirm() impls {
	raw := func(dec decoding) op {
		return func(ctx context.Context) error {
			body, err := json.Marshal(confirmBody)
			if err != nil {
				return err
			}
			var co client.CheckoutPublicConfirmed
			if err := f.rawDo(ctx, dec, http.MethodPost, f.srv.URL+"/v1/checkouts/client/"+clientSecret+"/confirm", body, &co); err != nil {
				return err
			}
			return wantID(co.ID, checkoutID)
		}
	}
	return impls{
		raw:          raw(streamDecode),
		rawUnmarshal: raw(unmarshalDecode),
		generated: func(ctx context.Context) error {
			resp, err := f.gen.ClientConfirmCheckoutWithResponse(ctx, clientSecret, confirmBody)
			if err != nil {
				return err
			}
			if resp.JSON200 == nil {
				return fmt.Errorf("status %d", resp.StatusCode())
			}
			return wantID(resp.JSON200.ID, checkoutID)
		},
		wrapper: func(ctx context.Context) error {
			body := confirmBody
			co, err := f.pol.Checkouts.ClientConfirm(ctx, clientSecret, &body)
			if err != nil {
				return err
			}
			return wantID(co.ID, checkoutID)
		},
	}
}
