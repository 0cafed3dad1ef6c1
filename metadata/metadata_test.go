package metadata_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/gopolar/checkouts/metadata"
)

func TestMap_accessorsAfterJSON(t *testing.T) {
	t.Parallel()
	var m metadata.Map
	raw := `{"s":"x","i":42,"big":9007199254740993,"f":2.5,"whole":2.0,"t":true,"neg":-7,"huge":1e30,"nul":null}`
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key                        string
		str                        string
		strOK, intOK, fltOK, blnOK bool
		i                          int64
		f                          float64
		b                          bool
	}{
		{key: "s", str: "x", strOK: true},
		{key: "i", intOK: true, i: 42, fltOK: true, f: 42},
		// Past 2^53: a float64 would round it to ...992.
		{key: "big", intOK: true, i: 9007199254740993, fltOK: true, f: 9007199254740993},
		{key: "f", fltOK: true, f: 2.5},
		{key: "whole", intOK: true, i: 2, fltOK: true, f: 2},
		{key: "t", blnOK: true, b: true},
		{key: "neg", intOK: true, i: -7, fltOK: true, f: -7},
		{key: "huge", fltOK: true, f: 1e30},
		{key: "nul"},
		{key: "absent"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			if s, ok := m.String(tt.key); s != tt.str || ok != tt.strOK {
				t.Errorf("String = %q, %v; want %q, %v", s, ok, tt.str, tt.strOK)
			}
			if i, ok := m.Int(tt.key); i != tt.i || ok != tt.intOK {
				t.Errorf("Int = %d, %v; want %d, %v", i, ok, tt.i, tt.intOK)
			}
			if f, ok := m.Float(tt.key); f != tt.f || ok != tt.fltOK {
				t.Errorf("Float = %v, %v; want %v, %v", f, ok, tt.f, tt.fltOK)
			}
			if b, ok := m.Bool(tt.key); b != tt.b || ok != tt.blnOK {
				t.Errorf("Bool = %v, %v; want %v, %v", b, ok, tt.b, tt.blnOK)
			}
		})
	}
	if !m.Has("nul") || m.Has("absent") {
		t.Errorf("Has(nul) = %v, Has(absent) = %v; want true, false", m.Has("nul"), m.Has("absent"))
	}
}

// TestMap_literalValues: what a caller puts in a literal reads back the
// same way as what JSON decodes.
func TestMap_literalValues(t *testing.T) {
	t.Parallel()
	m := metadata.Map{"n": 3, "f": 1.5, "w": 4.0, "n32": int32(5), "nan": math.NaN(), "inf": math.Inf(1)}
	for key, want := range map[string]int64{"n": 3, "w": 4, "n32": 5} {
		if got, ok := m.Int(key); !ok || got != want {
			t.Errorf("Int(%s) = %d, %v; want %d", key, got, ok, want)
		}
	}
	for _, key := range []string{"f", "nan", "inf"} {
		if _, ok := m.Int(key); ok {
			t.Errorf("Int(%s) ok for a non-integral value", key)
		}
	}
	var nilMap metadata.Map
	if _, ok := nilMap.String("x"); ok || nilMap.Has("x") {
		t.Error("a nil Map is not empty")
	}
}

func TestMap_roundTrip(t *testing.T) {
	t.Parallel()
	in := metadata.Map{"order": "A-1", "n": int64(1) << 60, "ratio": 0.25, "vip": false}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out metadata.Map
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	if n, _ := out.Int("n"); n != 1<<60 || len(out) != len(in) {
		t.Errorf("round trip %s gave %v", raw, out)
	}
	if err := json.Unmarshal([]byte("null"), &out); err != nil || out != nil {
		t.Errorf("null: %v, %v", out, err)
	}
	for _, bad := range []string{`[]`, `{"a":}`, `"x"`} {
		if err := json.Unmarshal([]byte(bad), &out); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
}

// FuzzMap_unmarshal: no input panics, and a decoded Map encodes again.
func FuzzMap_unmarshal(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a":1e400}`, `{"a":-0}`, `{"a":[1]}`, `{"a":{"b":1}}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m metadata.Map
		if json.Unmarshal(data, &m) != nil {
			return
		}
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("decoded %s but cannot encode it: %v", data, err)
		}
	})
}
