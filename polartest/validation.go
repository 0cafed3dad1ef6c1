package polartest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// The two values of "error" in a 422 with a list of details: the request
// did not match the schema, or it broke a business rule.
const (
	errRequestValidation = "RequestValidationError"
	errPolarValidation   = "PolarRequestValidationError"
)

// verr is one entry of a 422's detail list, as pydantic and Polar write it.
type verr struct {
	Type  string         `json:"type"`
	Loc   []any          `json:"loc"`
	Msg   string         `json:"msg"`
	Input any            `json:"input"`
	Ctx   map[string]any `json:"ctx,omitempty"`
}

// validationBody is the body of a 422.
type validationBody struct {
	Error  string `json:"error"`
	Detail []verr `json:"detail"`
}

// field is a tri-state request property: absent (set false), null, or a
// value.
type field[T any] struct {
	set, null bool
	v         T
}

// value reports whether the property carries a value (not absent, not null).
func (f field[T]) value() bool { return f.set && !f.null }

// ptr returns the value as a pointer, nil when absent or null.
func (f field[T]) ptr() *T {
	if !f.set || f.null {
		return nil
	}
	v := f.v
	return &v
}

// reader checks the properties of one JSON object and collects errors.
type reader struct {
	loc  []any
	raw  map[string]json.RawMessage
	errs *[]verr
}

// readBody parses a request body that must be a JSON object.
func readBody(body []byte) (reader, []verr) {
	var errs []verr
	r := reader{loc: []any{"body"}, errs: &errs}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return r, []verr{{Type: "missing", Loc: []any{"body"}, Msg: "Field required", Input: nil}}
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil && dec.More() {
		err = errors.New("extra data after the JSON value")
	}
	if err != nil {
		offset := dec.InputOffset()
		var syn *json.SyntaxError
		switch {
		case errors.As(err, &syn):
			offset = syn.Offset
		case errors.Is(err, io.ErrUnexpectedEOF):
			offset = int64(len(trimmed))
		}
		return r, []verr{{Type: "json_invalid", Loc: []any{"body", offset}, Msg: "JSON decode error", Input: map[string]any{}, Ctx: map[string]any{"error": err.Error()}}}
	}
	if _, ok := v.(map[string]any); !ok {
		return r, []verr{{Type: "model_attributes_type", Loc: []any{"body"}, Msg: "Input should be a valid dictionary or object to extract fields from", Input: portable(v)}}
	}
	if err := json.Unmarshal(trimmed, &r.raw); err != nil {
		return r, []verr{{Type: "json_invalid", Loc: []any{"body", 0}, Msg: "JSON decode error", Input: map[string]any{}, Ctx: map[string]any{"error": err.Error()}}}
	}
	return r, nil
}

// sub returns a reader for a nested object, or false (with an error) if
// raw is not an object.
func (r reader) sub(key string, raw json.RawMessage) (reader, bool) {
	s := reader{loc: r.at(key), errs: r.errs}
	if !isObject(raw) || json.Unmarshal(raw, &s.raw) != nil {
		r.fail(key, "model_type", "Input should be a valid dictionary or instance of the model", raw, nil)
		return s, false
	}
	return s, true
}

// at returns the location of key.
func (r reader) at(key ...any) []any {
	loc := make([]any, 0, len(r.loc)+len(key))
	loc = append(loc, r.loc...)
	return append(loc, key...)
}

// fail records an error on key.
func (r reader) fail(key any, typ, msg string, raw json.RawMessage, ctx map[string]any) {
	*r.errs = append(*r.errs, verr{Type: typ, Loc: r.at(key), Msg: msg, Input: inputOf(raw), Ctx: ctx})
}

// get returns the raw value of key. A null on a non-nullable property is
// reported with typeErr/typeMsg.
func (r reader) get(key string, nullable bool, typeErr, typeMsg string) (json.RawMessage, field[struct{}]) {
	raw, ok := r.raw[key]
	if !ok {
		return nil, field[struct{}]{}
	}
	if isNull(raw) {
		if !nullable {
			r.fail(key, typeErr, typeMsg, raw, nil)
			return nil, field[struct{}]{}
		}
		return nil, field[struct{}]{set: true, null: true}
	}
	return raw, field[struct{}]{set: true}
}

// str reads a string of minLen..maxLen characters (maxLen 0: no bound).
func (r reader) str(key string, nullable bool, minLen, maxLen int) field[string] {
	raw, st := r.get(key, nullable, "string_type", "Input should be a valid string")
	if !st.set || st.null {
		return field[string]{set: st.set, null: st.null}
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		r.fail(key, "string_type", "Input should be a valid string", raw, nil)
		return field[string]{}
	}
	n := utf8.RuneCountInString(s)
	if n < minLen {
		r.fail(key, "string_too_short", "String should have at least "+plural(minLen, "character"), raw, map[string]any{"min_length": minLen})
		return field[string]{}
	}
	if maxLen > 0 && n > maxLen {
		r.fail(key, "string_too_long", "String should have at most "+plural(maxLen, "character"), raw, map[string]any{"max_length": maxLen})
		return field[string]{}
	}
	return field[string]{set: true, v: s}
}

// boolean reads a boolean.
func (r reader) boolean(key string, nullable bool) field[bool] {
	raw, st := r.get(key, nullable, "bool_type", "Input should be a valid boolean")
	if !st.set || st.null {
		return field[bool]{set: st.set, null: st.null}
	}
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		r.fail(key, "bool_type", "Input should be a valid boolean", raw, nil)
		return field[bool]{}
	}
	return field[bool]{set: true, v: b}
}

// integer reads an integer in lo..hi.
func (r reader) integer(key string, nullable bool, lo, hi int64) field[int64] {
	raw, st := r.get(key, nullable, "int_type", "Input should be a valid integer")
	if !st.set || st.null {
		return field[int64]{set: st.set, null: st.null}
	}
	n, ok := r.parseInt(key, raw)
	if !ok {
		return field[int64]{}
	}
	if n < lo {
		r.fail(key, "greater_than_equal", "Input should be greater than or equal to "+strconv.FormatInt(lo, 10), raw, map[string]any{"ge": lo})
		return field[int64]{}
	}
	if n > hi {
		r.fail(key, "less_than_equal", "Input should be less than or equal to "+strconv.FormatInt(hi, 10), raw, map[string]any{"le": hi})
		return field[int64]{}
	}
	return field[int64]{set: true, v: n}
}

// parseInt reads a JSON integer; a float without fraction is accepted, as
// pydantic does.
func (r reader) parseInt(key any, raw json.RawMessage) (int64, bool) {
	var num json.Number
	if len(raw) == 0 || !(raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') || json.Unmarshal(raw, &num) != nil {
		r.fail(key, "int_type", "Input should be a valid integer", raw, nil)
		return 0, false
	}
	if n, err := num.Int64(); err == nil {
		return n, true
	}
	f, err := num.Float64()
	switch {
	case err != nil || math.IsInf(f, 0) || math.Abs(f) >= 1<<63:
		r.fail(key, "int_parsing", "Input should be a valid integer, unable to parse value as an integer", raw, nil)
	case f != math.Trunc(f):
		r.fail(key, "int_from_float", "Input should be a valid integer, got a number with a fractional part", raw, nil)
	default:
		return int64(f), true
	}
	return 0, false
}

// uuid4 reads a UUID of version 4, as Polar's UUID4 fields require.
func (r reader) uuid4(key string, nullable bool) field[uuid.UUID] {
	raw, st := r.get(key, nullable, "uuid_type", "UUID input should be a string, bytes or UUID object")
	if !st.set || st.null {
		return field[uuid.UUID]{set: st.set, null: st.null}
	}
	u, ok := r.parseUUID(key, raw)
	return field[uuid.UUID]{set: ok, v: u}
}

// parseUUID reads a JSON string holding a version 4 UUID.
func (r reader) parseUUID(key any, raw json.RawMessage) (uuid.UUID, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		r.fail(key, "uuid_type", "UUID input should be a string, bytes or UUID object", raw, nil)
		return uuid.Nil, false
	}
	u, e := parseUUID4(s)
	if e != nil {
		*r.errs = append(*r.errs, verr{Type: e.Type, Loc: r.at(key), Msg: e.Msg, Input: s, Ctx: e.Ctx})
		return uuid.Nil, false
	}
	return u, true
}

// parseUUID4 parses s as pydantic's UUID4 does, or describes the error.
func parseUUID4(s string) (uuid.UUID, *verr) {
	u, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, &verr{Type: "uuid_parsing", Msg: "Input should be a valid UUID, " + err.Error(), Ctx: map[string]any{"error": err.Error()}}
	}
	if u.Version() != 4 {
		return uuid.Nil, &verr{Type: "uuid_version", Msg: "UUID version 4 expected", Ctx: map[string]any{"expected_version": 4}}
	}
	return u, nil
}

// enum reads a string that valid accepts; expected lists the values for
// the message.
func (r reader) enum(key string, nullable bool, valid func(string) bool, expected string) field[string] {
	raw, st := r.get(key, nullable, "enum", "Input should be "+expected)
	if !st.set || st.null {
		return field[string]{set: st.set, null: st.null}
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil || !valid(s) {
		r.fail(key, "enum", "Input should be "+expected, raw, map[string]any{"expected": expected})
		return field[string]{}
	}
	return field[string]{set: true, v: s}
}

// email reads an email address.
func (r reader) email(key string) field[string] {
	f := r.str(key, true, 0, 0)
	if !f.value() {
		return f
	}
	if msg := checkEmail(f.v); msg != "" {
		r.fail(key, "value_error", "value is not a valid email address: "+msg, r.raw[key], map[string]any{"reason": msg})
		return field[string]{}
	}
	return f
}

// checkEmail returns why s is not an address such as a@b.example, or "".
func checkEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "An email address must have an @-sign."
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return "The email address is not valid."
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "The part after the @-sign is not valid. It should have a period."
	}
	return ""
}

// httpURL reads an absolute http(s) URL of 1..2083 characters.
func (r reader) httpURL(key string) field[string] {
	f := r.str(key, true, 1, 2083)
	if !f.value() {
		return f
	}
	u, err := url.Parse(f.v)
	switch {
	case err != nil || u.Scheme == "" && u.Host == "":
		r.fail(key, "url_parsing", "Input should be a valid URL, relative URL without a base", r.raw[key], map[string]any{"error": "relative URL without a base"})
	case u.Scheme != "http" && u.Scheme != "https":
		r.fail(key, "url_scheme", "URL scheme should be 'http' or 'https'", r.raw[key], map[string]any{"expected_schemes": "'http' or 'https'"})
	case u.Host == "":
		r.fail(key, "url_parsing", "Input should be a valid URL, empty host", r.raw[key], map[string]any{"error": "empty host"})
	default:
		return f
	}
	return field[string]{}
}

// ip reads an IPv4 or IPv6 address.
func (r reader) ip(key string) field[string] {
	f := r.str(key, true, 0, 0)
	if !f.value() {
		return f
	}
	if _, err := netip.ParseAddr(f.v); err != nil {
		r.fail(key, "ip_any_address", "value is not a valid IPv4 or IPv6 address", r.raw[key], nil)
		return field[string]{}
	}
	return f
}

// metadata reads a MetadataInput map: at most 50 keys of 1..40
// characters; values are strings of 1..500 characters, integers, numbers
// or booleans (customer metadata: no fractional numbers, since Polar
// returns only strings, integers and booleans there).
func (r reader) metadata(key string, nullable, customer bool) field[map[string]any] {
	raw, st := r.get(key, nullable, "dict_type", "Input should be a valid dictionary")
	if !st.set || st.null {
		return field[map[string]any]{set: st.set, null: st.null}
	}
	var m map[string]json.RawMessage
	if !isObject(raw) || json.Unmarshal(raw, &m) != nil {
		r.fail(key, "dict_type", "Input should be a valid dictionary", raw, nil)
		return field[map[string]any]{}
	}
	if len(m) > 50 {
		r.fail(key, "too_long", "Dictionary should have at most 50 items after validation, not "+strconv.Itoa(len(m)), raw, map[string]any{"field_type": "Dictionary", "max_length": 50, "actual_length": len(m)})
		return field[map[string]any]{}
	}
	sub := reader{loc: r.at(key), errs: r.errs}
	before := len(*r.errs)
	out := make(map[string]any, len(m))
	for k, v := range m {
		if n := utf8.RuneCountInString(k); n < 1 || n > 40 {
			*r.errs = append(*r.errs, verr{Type: "string_too_long", Loc: sub.at(k, "[key]"), Msg: "String should have at most 40 characters", Input: k, Ctx: map[string]any{"max_length": 40}})
			if n < 1 {
				(*r.errs)[len(*r.errs)-1] = verr{Type: "string_too_short", Loc: sub.at(k, "[key]"), Msg: "String should have at least 1 character", Input: k, Ctx: map[string]any{"min_length": 1}}
			}
			continue
		}
		val, ok := scalar(v)
		switch {
		case !ok:
			sub.fail(k, "string_type", "Input should be a valid string, integer, number or boolean", v, nil)
		case isString(val) && (utf8.RuneCountInString(val.(string)) < 1 || utf8.RuneCountInString(val.(string)) > 500):
			sub.fail(k, "string_too_long", "String should have between 1 and 500 characters", v, map[string]any{"min_length": 1, "max_length": 500})
		case !isFinite(val):
			sub.fail(k, "finite_number", "Input should be a finite number", v, nil)
		case customer && isFraction(val):
			sub.fail(k, "int_from_float", "Input should be a valid integer, got a number with a fractional part", v, nil)
		default:
			out[k] = val
		}
	}
	if len(*r.errs) > before {
		return field[map[string]any]{}
	}
	return field[map[string]any]{set: true, v: out}
}

// customFields reads custom_field_data: values are strings, integers,
// booleans or null.
func (r reader) customFields(key string) field[map[string]any] {
	raw, st := r.get(key, false, "dict_type", "Input should be a valid dictionary")
	if !st.set {
		return field[map[string]any]{}
	}
	var m map[string]json.RawMessage
	if !isObject(raw) || json.Unmarshal(raw, &m) != nil {
		r.fail(key, "dict_type", "Input should be a valid dictionary", raw, nil)
		return field[map[string]any]{}
	}
	sub := reader{loc: r.at(key), errs: r.errs}
	before := len(*r.errs)
	out := make(map[string]any, len(m))
	for k, v := range m {
		if isNull(v) {
			out[k] = nil
			continue
		}
		val, ok := scalar(v)
		if !ok || isFraction(val) {
			sub.fail(k, "string_type", "Input should be a valid string, integer or boolean", v, nil)
			continue
		}
		out[k] = val
	}
	if len(*r.errs) > before {
		return field[map[string]any]{}
	}
	return field[map[string]any]{set: true, v: out}
}

// scalar decodes a string, number (kept as json.Number, so integers stay
// integers) or boolean.
func scalar(raw json.RawMessage) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	switch v.(type) {
	case string, bool, json.Number:
		return v, true
	}
	return nil, false
}

func isString(v any) bool { _, ok := v.(string); return ok }

// isFinite reports whether v, if a number, fits a float64.
func isFinite(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return true
	}
	f, err := n.Float64()
	return err == nil && !math.IsInf(f, 0)
}

// isFraction reports whether v is a number that is not an integer.
func isFraction(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	_, err := n.Int64()
	return err != nil
}

// isNull reports whether raw is the JSON null.
func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// isObject reports whether raw is a JSON object.
func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// inputOf decodes raw for the "input" of an error; nil if it cannot.
func inputOf(raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return portable(v)
}

// portable replaces numbers that a float64 cannot hold (1e400) by their
// text, so that any JSON decoder can read the error that quotes them.
func portable(v any) any {
	switch x := v.(type) {
	case json.Number:
		if !isFinite(x) {
			return x.String()
		}
	case map[string]any:
		for k, e := range x {
			x[k] = portable(e)
		}
	case []any:
		for i, e := range x {
			x[i] = portable(e)
		}
	}
	return v
}

// plural writes "1 character" or "n characters".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// expectedList renders values as pydantic lists the choices of an enum:
// "'a', 'b' or 'c'".
func expectedList(values ...string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "'" + v + "'"
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// businessError is a 422 for a broken business rule.
func businessError(loc []any, typ, msg string, input any, ctx map[string]any) []verr {
	return []verr{{Type: typ, Loc: loc, Msg: msg, Input: input, Ctx: ctx}}
}
