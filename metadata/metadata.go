// Package metadata holds the key-value data Polar keeps on a checkout
// session (metadata and customer_metadata): [Map], the one type for what
// you send and what you read back, with typed accessors so that reading a
// value needs no type assertion.
//
// Polar stores strings, integers, floats and booleans. A Map decoded from
// JSON holds them as string, int64 (integral numbers, exactly, up to the
// int64 range), float64 and bool.
package metadata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// Map is metadata: keys to string, integer, float or boolean values.
// Build one with a literal to send it (polar.Metadata{"order": "42"}),
// and read values back with [Map.String], [Map.Int], [Map.Float] and
// [Map.Bool]. A nil Map reads as empty.
type Map map[string]any

// String returns the string value of key; ok is false if the key is
// absent or its value is not a string.
func (m Map) String(key string) (v string, ok bool) {
	v, ok = m[key].(string)
	return v, ok
}

// Int returns the integer value of key; ok is false if the key is absent
// or its value is not an integral number that fits an int64 (a float such
// as 2.5 is not an integer; 2.0 is).
func (m Map) Int(key string) (int64, bool) {
	switch v := m[key].(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case int32:
		return int64(v), true
	case float64:
		return floatToInt(v)
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, true
		}
	}
	return 0, false
}

// Float returns the numeric value of key, integers included; ok is false
// if the key is absent or its value is not a number.
func (m Map) Float(key string) (float64, bool) {
	switch v := m[key].(type) {
	case float64:
		return v, true
	case float32:
		return float64(v), true
	case int64:
		return float64(v), true
	case int:
		return float64(v), true
	case int32:
		return float64(v), true
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return f, true
		}
	}
	return 0, false
}

// Bool returns the boolean value of key; ok is false if the key is absent
// or its value is not a boolean.
func (m Map) Bool(key string) (v bool, ok bool) {
	v, ok = m[key].(bool)
	return v, ok
}

// Has reports whether key is present.
func (m Map) Has(key string) bool {
	_, ok := m[key]
	return ok
}

// UnmarshalJSON decodes an object of metadata values, keeping integers
// exact (as int64) instead of rounding them through float64.
func (m *Map) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*m = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := make(Map, len(raw))
	for k, v := range raw {
		val, err := decodeValue(v)
		if err != nil {
			return fmt.Errorf("metadata key %q: %w", k, err)
		}
		out[k] = val
	}
	*m = out
	return nil
}

// decodeValue decodes one value: numbers as int64 when integral and in
// range, else float64; anything else as encoding/json would.
func decodeValue(v json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	var val any
	if err := dec.Decode(&val); err != nil {
		return nil, err
	}
	n, ok := val.(json.Number)
	if !ok {
		return val, nil
	}
	if i, err := n.Int64(); err == nil {
		return i, nil
	}
	return n.Float64()
}

// floatToInt converts f when it is integral and within int64.
func floatToInt(f float64) (int64, bool) {
	if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}
