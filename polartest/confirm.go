package polartest

import (
	"net/http"
	"time"

	"github.com/gopolar/checkouts/client"
)

// confirm answers POST /v1/checkouts/client/{client_secret}/confirm. The
// body's changes are applied first, then Polar's confirmation rules are
// checked; the payment is decided by the test confirmation token. A
// failure of any kind leaves the checkout exactly as it was.
func (h *Handler) confirm(secret string, body []byte) *reply {
	return h.patchBySecret(secret, body, kindConfirm, h.confirmPatched)
}

// confirmPatched confirms next, the checkout with the body's changes
// applied. The caller holds mu.
func (h *Handler) confirmPatched(next *session, p patch, now time.Time) *reply {
	t := h.totalsOf(next)
	if errs := confirmChecks(next, t, p); errs != nil {
		return validationFailed(errPolarValidation, errs)
	}

	settle := h.cfg.confirmDelay
	next.intentStatus = ""
	next.declineAtSettle = false
	if t.formRequired {
		next.intentStatus = "succeeded"
		switch token := p.confirmationTokenID.v; token {
		case TokenSuccess:
		case TokenProcessing:
			settle += ProcessingTime
			next.intentStatus = "processing"
		case TokenDeclined:
			return paymentError(DeclineMessage)
		case TokenDeclinedLater:
			next.intentStatus = "processing"
			next.declineAtSettle = true
		default:
			if len(token) > 64 {
				token = token[:64] + "..."
			}
			return paymentError("The payment failed: No such ConfirmationToken: '" + token + "' Please try again with a different payment method.")
		}
	}

	if next.customerID == nil {
		next.customerID = uuidPtr(h.customerFor(next))
	}
	next.status = client.CheckoutStatusConfirmed
	next.modifiedAt = &now
	settleAt := now.Add(settle)
	next.settleAt = &settleAt
	next.confirms++
	h.store.replace(next)
	h.store.applied[OpClientConfirm]++

	out, err := h.buildConfirmed(next, h.ids.token(sessionTokenPrefix))
	if err != nil {
		return internalError()
	}
	return jsonReply(http.StatusOK, out)
}

// confirmChecks applies Polar's confirmation rules to the updated
// session: an email always; when a payment form is needed, the name and
// billing address (the parts billing_address_fields requires) and a
// confirmation token; a full address when the checkout or a business
// customer requires one.
func confirmChecks(s *session, t totals, p patch) []verr {
	var errs []verr
	missing := func(msg string, loc ...any) {
		errs = append(errs, verr{Type: "missing", Loc: append([]any{"body"}, loc...), Msg: msg, Input: nil})
	}
	if s.customerEmail == nil {
		missing("Field is required.", "customer_email")
	}
	if t.formRequired {
		if s.customerName == nil {
			missing("Field is required.", "customer_name")
		}
		a := s.customerBillingAddress
		if a == nil {
			missing("Field is required.", "customer_billing_address")
		} else {
			full := s.requireBillingAddress || s.isBusinessCustomer || a.Country == "US"
			if (a.Country == "US" || a.Country == "CA") && !present(a.State) {
				missing("Field is required.", "customer_billing_address", "state")
			}
			if full {
				if !present(a.Line1) {
					missing("Field is required.", "customer_billing_address", "line1")
				}
				if !present(a.City) {
					missing("Field is required.", "customer_billing_address", "city")
				}
				if !present(a.PostalCode) {
					missing("Field is required.", "customer_billing_address", "postal_code")
				}
			}
		}
	}
	if (s.requireBillingAddress || s.isBusinessCustomer) && (s.customerBillingAddress == nil || !hasStreet(*s.customerBillingAddress)) {
		errs = append(errs, verr{Type: "value_error", Loc: []any{"body", "customer_billing_address"}, Msg: "Full billing address is required.", Input: addressInput(s.customerBillingAddress)})
	}
	if t.formRequired && !p.confirmationTokenID.value() {
		missing("Confirmation token is required.", "confirmation_token_id")
	}
	return errs
}

// addressInput renders an address for an error's input.
func addressInput(a *client.Address) any {
	if a == nil {
		return nil
	}
	return a
}
