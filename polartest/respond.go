package polartest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// reply is a response before it is written, so that a fault can still
// decide how (or whether) it reaches the client.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// jsonReply encodes v. Encoding the fake's own values cannot fail; if it
// ever did, the client gets a 500 rather than a broken body.
func jsonReply(status int, v any) *reply {
	body, err := json.Marshal(v)
	if err != nil {
		return internalError()
	}
	h := make(http.Header)
	h.Set("Content-Type", "application/json")
	return &reply{status: status, header: h, body: body}
}

// rawReply answers with body, JSON already encoded. body is not copied:
// it must not be modified afterwards.
func rawReply(status int, body []byte) *reply {
	h := make(http.Header)
	h.Set("Content-Type", "application/json")
	return &reply{status: status, header: h, body: body}
}

// checkoutReply answers with the token view of cs.
func (h *Handler) checkoutReply(status int, cs *session) *reply {
	body, err := h.checkoutJSON(cs)
	if err != nil {
		return internalError()
	}
	return rawReply(status, body)
}

// errorBody is Polar's error envelope.
type errorBody struct {
	Error  string `json:"error,omitempty"`
	Detail string `json:"detail"`
}

// polarError answers {"error": code, "detail": detail}.
func polarError(status int, code, detail string) *reply {
	return jsonReply(status, errorBody{Error: code, Detail: detail})
}

// notFoundRoute is FastAPI's answer to an unknown route or API version.
func notFoundRoute() *reply { return jsonReply(http.StatusNotFound, errorBody{Detail: "Not Found"}) }

// methodNotAllowed is FastAPI's answer to a known route with another method.
func methodNotAllowed(allow string) *reply {
	r := jsonReply(http.StatusMethodNotAllowed, errorBody{Detail: "Method Not Allowed"})
	r.header.Set("Allow", allow)
	return r
}

// resourceNotFound is Polar's 404 for an unknown checkout.
func resourceNotFound() *reply {
	return polarError(http.StatusNotFound, "ResourceNotFound", "Not found")
}

// expiredCheckout is Polar's 410.
func expiredCheckout() *reply {
	return polarError(http.StatusGone, "ExpiredCheckoutError", "This checkout session has expired.")
}

// notOpen is Polar's 403 for a checkout that is no longer open.
func notOpen(cs *session) *reply {
	return polarError(http.StatusForbidden, "NotOpenCheckout", "Checkout "+cs.id.String()+" is not open: "+string(cs.status))
}

// paymentError is Polar's 400 for a failed payment.
func paymentError(detail string) *reply {
	return polarError(http.StatusBadRequest, "PaymentError", detail)
}

// validationFailed is a 422 with a list of details.
func validationFailed(code string, errs []verr) *reply {
	return jsonReply(http.StatusUnprocessableEntity, validationBody{Error: code, Detail: errs})
}

// The 401 bodies and challenges of Polar's authentication.
const (
	realm               = `Bearer realm="polartest"`
	invalidTokenMessage = "The access token provided is expired, revoked, malformed, or invalid for other reasons."
)

// unauthorized answers a token operation sent without a token.
func unauthorized() *reply {
	r := polarError(http.StatusUnauthorized, "Unauthorized", "Unauthorized")
	r.header.Set("WWW-Authenticate", realm)
	return r
}

// invalidToken answers a request with a token the server does not know.
func invalidToken() *reply {
	r := jsonReply(http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": invalidTokenMessage})
	r.header.Set("WWW-Authenticate", realm+`, error="invalid_token", error_description="`+invalidTokenMessage+`"`)
	return r
}

// rateLimited is the 429 of Polar's rate limiter: empty body, Retry-After.
func rateLimited(seconds int) *reply {
	h := make(http.Header)
	h.Set("Retry-After", strconv.Itoa(seconds))
	return &reply{status: http.StatusTooManyRequests, header: h}
}

// tooLarge refuses a body over the size limit.
func tooLarge() *reply {
	return jsonReply(http.StatusRequestEntityTooLarge, errorBody{Detail: "Request Entity Too Large"})
}

// internalError is the last resort when the fake itself fails.
func internalError() *reply {
	h := make(http.Header)
	h.Set("Content-Type", "application/json")
	return &reply{status: http.StatusInternalServerError, header: h, body: []byte(`{"detail":"Internal Server Error"}`)}
}

// write sends r.
func (r *reply) write(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if len(r.body) > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}
