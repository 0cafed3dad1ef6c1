package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Parse decodes a webhook body without verifying it; id is the delivery's
// webhook-id (it becomes [Envelope.ID]; it may be ""). Use it to decode a
// body that was verified earlier, such as one your handler stored to
// process later; for deliveries straight off the network use
// [Verifier.ConstructEvent].
//
// The body must be a JSON object with a string "type" and an RFC 3339
// "timestamp"; "api_version", if present, a string. For the checkout and
// order types, "data" must be an object with every member the OpenAPI
// document requires (non-nullable ones not null), of the right types;
// unknown members are ignored. Other types give an [*UnknownEvent]
// without looking at "data". Anything else is a [*ParseError], matching
// [ErrInvalidPayload]. Envelope.Raw is body itself, not a copy.
func Parse(id string, body []byte) (Event, error) {
	env, err := scanEnvelope(body)
	if err != nil {
		return nil, err
	}
	meta, err := env.meta(id, body)
	if err != nil {
		return nil, err
	}
	switch meta.Type {
	case TypeCheckoutCreated:
		ev := &CheckoutCreated{Envelope: meta}
		return decodeData(ev, &ev.Checkout, checkoutRequired, env, body)
	case TypeCheckoutUpdated:
		ev := &CheckoutUpdated{Envelope: meta}
		return decodeData(ev, &ev.Checkout, checkoutRequired, env, body)
	case TypeCheckoutExpired:
		ev := &CheckoutExpired{Envelope: meta}
		return decodeData(ev, &ev.Checkout, checkoutRequired, env, body)
	case TypeOrderCreated:
		ev := &OrderCreated{Envelope: meta}
		return decodeData(ev, &ev.Order, orderRequired, env, body)
	case TypeOrderUpdated:
		ev := &OrderUpdated{Envelope: meta}
		return decodeData(ev, &ev.Order, orderRequired, env, body)
	case TypeOrderPaid:
		ev := &OrderPaid{Envelope: meta}
		return decodeData(ev, &ev.Order, orderRequired, env, body)
	case TypeOrderRefunded:
		ev := &OrderRefunded{Envelope: meta}
		return decodeData(ev, &ev.Order, orderRequired, env, body)
	}
	return &UnknownEvent{Envelope: meta}, nil
}

// meta decodes the envelope members every event has.
func (env *rawEnvelope) meta(id string, body []byte) (Envelope, error) {
	e := Envelope{ID: id, Raw: body}
	if !env.has[hasType] {
		return e, &ParseError{Field: "type", Reason: "missing", Offset: -1}
	}
	typ, ok := stringValue(body, env.typ)
	if !ok || typ == "" {
		return e, &ParseError{Field: "type", Reason: "not a non-empty string", Offset: int64(env.typ.start)}
	}
	e.Type = typ
	known := knownType(typ)
	if !env.has[hasTimestamp] {
		return e, &ParseError{Type: known, Field: "timestamp", Reason: "missing", Offset: -1}
	}
	ts, ok := stringValue(body, env.timestamp)
	if !ok {
		return e, &ParseError{Type: known, Field: "timestamp", Reason: "not a string", Offset: int64(env.timestamp.start)}
	}
	if e.Timestamp, ok = parseDateTime(ts); !ok {
		return e, &ParseError{Type: known, Field: "timestamp", Reason: "not an RFC 3339 date-time", Offset: int64(env.timestamp.start)}
	}
	if env.has[hasAPIVersion] {
		if e.APIVersion, ok = stringValue(body, env.apiVersion); !ok {
			return e, &ParseError{Type: known, Field: "api_version", Reason: "not a string", Offset: int64(env.apiVersion.start)}
		}
	}
	return e, nil
}

// knownType returns typ if this package decodes it, else "": an error
// message names only types it knows, never a string from the body.
func knownType(typ string) string {
	switch typ {
	case TypeCheckoutCreated, TypeCheckoutUpdated, TypeCheckoutExpired,
		TypeOrderCreated, TypeOrderUpdated, TypeOrderPaid, TypeOrderRefunded:
		return typ
	}
	return ""
}

// stringValue decodes the JSON string at v; false if it is not a string.
func stringValue(body []byte, v span) (string, bool) {
	raw := body[v.start:v.end]
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

// parseDateTime accepts what encoding/json accepts for a time.Time.
func parseDateTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// decodeData checks and decodes the payload's data into dst, a field of
// ev, and returns ev.
func decodeData(ev Event, dst any, required *requiredMembers, env *rawEnvelope, body []byte) (Event, error) {
	typ := ev.Meta().Type
	if !env.has[hasData] {
		return nil, &ParseError{Type: typ, Field: "data", Reason: "missing", Offset: -1}
	}
	if body[env.data.start] != '{' {
		return nil, &ParseError{Type: typ, Field: "data", Reason: "not a JSON object", Offset: int64(env.data.start)}
	}
	if err := required.check(body, env.dataMembers); err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			pe.Type = typ
		}
		return nil, err
	}
	if err := json.Unmarshal(body[env.data.start:env.data.end], dst); err != nil {
		return nil, decodeError(typ, err)
	}
	return ev, nil
}

// decodeError describes an encoding/json error without its text, which
// can quote the payload (numbers, dates and UUIDs that do not parse).
func decodeError(typ string, err error) *ParseError {
	pe := &ParseError{Type: typ, Field: "data", Offset: -1}
	var typeErr *json.UnmarshalTypeError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &typeErr):
		if typeErr.Field != "" {
			pe.Field = "data." + typeErr.Field
		}
		kind, _, _ := strings.Cut(typeErr.Value, " ")
		pe.Reason = "JSON " + kind + " where " + typeName(typeErr) + " is expected"
	case errors.As(err, &timeErr):
		pe.Reason = "a date-time is not RFC 3339"
	case strings.HasPrefix(err.Error(), "invalid UUID"):
		pe.Reason = "a UUID is invalid"
	default:
		pe.Reason = "a value does not fit the schema"
	}
	return pe
}

// typeName names the Go type a value should have decoded into.
func typeName(e *json.UnmarshalTypeError) string {
	if e.Type == nil {
		return "another type"
	}
	return e.Type.String()
}
