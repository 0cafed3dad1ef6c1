package polar

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// A 2xx answer that json.Unmarshal accepts can still be the wrong thing:
// `{}`, `null` or `{"status":"ok"}` from a proxy decode into a zero
// Checkout. The shape check rejects a body that is not a JSON object or
// lacks a required property of the model (a property whose generated json
// tag has no omitempty), at the top level and in the objects one level
// below it (the items of a list, its pagination). It reads the body once
// without allocating, after json.Unmarshal has checked the syntax.

// shape is what a JSON object must hold to be a T.
type shape struct {
	required []string                 // property names; a bit each in a mask
	notNull  [maxRequired / 64]uint64 // bits of the required properties whose type has no null: null is as bad as absent
	children map[string]*shape        // properties whose value is checked too: an object, or an array of objects
}

// errMissingProperty and errNotObject are the causes of a *DecodeError
// for a body of the wrong shape.
var (
	errMissingProperty = errors.New("missing required property")
	errNullProperty    = errors.New("null required property")
	errNotObject       = errors.New("the body is not a JSON object")
)

// maxRequired bounds the required properties checked per object (Checkout
// has 56).
const maxRequired = 256

var shapes sync.Map // reflect.Type → *shape

// shapeOf returns the shape of a model type, built once.
func shapeOf(t reflect.Type) *shape {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape)
	}
	s, _ := shapes.LoadOrStore(t, buildShape(t, 1))
	return s.(*shape)
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// buildShape lists the required properties of struct type t and, depth
// levels down, of its plain struct properties.
func buildShape(t reflect.Type, depth int) *shape {
	s := &shape{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		if !strings.Contains(opts, "omitempty") && len(s.required) < maxRequired {
			if !admitsNull(f.Type) {
				bit := len(s.required)
				s.notNull[bit/64] |= 1 << (bit % 64)
			}
			s.required = append(s.required, name)
		}
		if depth == 0 {
			continue
		}
		if elem := plainStruct(f.Type); elem != nil {
			if s.children == nil {
				s.children = make(map[string]*shape)
			}
			s.children[name] = buildShape(elem, depth-1)
		}
	}
	return s
}

// admitsNull reports whether a generated field type stands for a nullable
// property: a pointer, an interface, or nullable.Nullable. Any other
// required property is non-nullable in the spec, so a null there (an
// all-null body from a broken proxy or cache) is not the model.
func admitsNull(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		return true
	}
	return t.PkgPath() == "github.com/oapi-codegen/nullable" && strings.HasPrefix(t.Name(), "Nullable[")
}

// plainStruct returns the struct type behind t (t, *t, []t or []*t) when
// it decodes field by field, or nil: unions, nullable values and times
// have their own decoders and no properties to check.
func plainStruct(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return nil
	}
	return t
}

// checkShape reports whether body, valid JSON, holds an object of shape s.
func checkShape(body []byte, s *shape) error {
	sc := scanner{b: body}
	sc.space()
	return sc.object(s, "")
}

// scanner walks valid JSON.
type scanner struct {
	b []byte
	i int
}

func (sc *scanner) space() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// object checks the object at the cursor against s; where names the
// object in errors ("" for the body, "items[3]").
func (sc *scanner) object(s *shape, where string) error {
	if sc.i >= len(sc.b) || sc.b[sc.i] != '{' {
		if where == "" {
			return errNotObject
		}
		return fmt.Errorf("%s is not an object", where)
	}
	sc.i++
	var seen [maxRequired / 64]uint64
	for {
		sc.space()
		if sc.b[sc.i] == '}' {
			sc.i++
			break
		}
		key := sc.key()
		sc.space()
		sc.i++ // ':'
		sc.space()
		if bit := indexOf(s.required, key); bit >= 0 {
			seen[bit/64] |= 1 << (bit % 64)
			if sc.b[sc.i] == 'n' && s.notNull[bit/64]&(1<<(bit%64)) != 0 {
				return nullProperty(where, s.required[bit])
			}
		}
		if child := s.children[string(key)]; child != nil && sc.b[sc.i] != 'n' { // null is the model's business
			if err := sc.nested(child, join(where, string(key))); err != nil {
				return err
			}
		} else {
			sc.skip()
		}
		sc.space()
		if sc.b[sc.i] == ',' {
			sc.i++
		}
	}
	for bit, name := range s.required {
		if seen[bit/64]&(1<<(bit%64)) == 0 {
			if where == "" {
				return fmt.Errorf("%w %q", errMissingProperty, name)
			}
			return fmt.Errorf("%s: %w %q", where, errMissingProperty, name)
		}
	}
	return nil
}

func nullProperty(where, name string) error {
	if where == "" {
		return fmt.Errorf("%w %q", errNullProperty, name)
	}
	return fmt.Errorf("%s: %w %q", where, errNullProperty, name)
}

// nested checks an object, or each object of an array.
func (sc *scanner) nested(s *shape, where string) error {
	if sc.b[sc.i] != '[' {
		return sc.object(s, where)
	}
	sc.i++
	for n := 0; ; n++ {
		sc.space()
		if sc.b[sc.i] == ']' {
			sc.i++
			return nil
		}
		if err := sc.object(s, where+"["+strconv.Itoa(n)+"]"); err != nil {
			return err
		}
		sc.space()
		if sc.b[sc.i] == ',' {
			sc.i++
		}
	}
}

// key reads an object key, without copying it. Keys with escapes are
// rare: they are decoded with encoding/json.
func (sc *scanner) key() []byte {
	start := sc.i
	sc.skipString()
	raw := sc.b[start+1 : sc.i-1]
	for _, c := range raw {
		if c == '\\' {
			var k string
			_ = json.Unmarshal(sc.b[start:sc.i], &k)
			return []byte(k)
		}
	}
	return raw
}

// skip moves past the value at the cursor.
func (sc *scanner) skip() {
	depth := 0
	for sc.i < len(sc.b) {
		c := sc.b[sc.i]
		switch {
		case c == '"':
			sc.skipString()
		case c == '{' || c == '[':
			depth++
			sc.i++
		case c == '}' || c == ']':
			if depth == 0 {
				return // the end of the enclosing value
			}
			depth--
			sc.i++
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return // the end of a number, true, false or null
		default:
			sc.i++
			continue
		}
		if depth == 0 && (c == '"' || c == '}' || c == ']') {
			return // a string, object or array ended
		}
	}
}

// skipString moves past the string at the cursor.
func (sc *scanner) skipString() {
	sc.i++
	for sc.b[sc.i] != '"' {
		if sc.b[sc.i] == '\\' {
			sc.i++
		}
		sc.i++
	}
	sc.i++
}

func indexOf(names []string, name []byte) int {
	for i, n := range names {
		if n == string(name) {
			return i
		}
	}
	return -1
}

func join(where, key string) string {
	if where == "" {
		return key
	}
	return where + "." + key
}
