package polar

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxInputDepth bounds how deep checkUTF8 and deepCopy descend, so a
// cyclic value cannot loop forever.
const maxInputDepth = 32

// checkUTF8 refuses a request argument holding a string (or map key) that
// is not valid UTF-8: encoding/json would send it with U+FFFD in place of
// the bad bytes, a different value than the caller's. The error names the
// field, never the value.
func checkUTF8(op, arg string, v any) error {
	if path, ok := invalidUTF8(reflect.ValueOf(v), arg, 0); !ok {
		return &InvalidArgumentError{Op: op, Arg: path, Reason: "not valid UTF-8"}
	}
	return nil
}

// invalidUTF8 walks v and returns the path of the first string that is
// not valid UTF-8, and false; or true if there is none.
func invalidUTF8(v reflect.Value, path string, depth int) (string, bool) {
	if depth > maxInputDepth {
		return path, true
	}
	switch v.Kind() {
	case reflect.String:
		return path, utf8.ValidString(v.String())
	case reflect.Pointer:
		if v.IsNil() {
			return path, true
		}
		return invalidUTF8(v.Elem(), path, depth+1)
	case reflect.Interface:
		if v.IsNil() {
			return path, true
		}
		if !marshalsToUTF8(v.Elem()) {
			return path, false
		}
		return invalidUTF8(v.Elem(), path, depth+1)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			if p, ok := invalidUTF8(v.Field(i), path+"."+jsonName(t.Field(i)), depth+1); !ok {
				return p, false
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type() == rawMessageType {
			return path, utf8.Valid(v.Bytes()) // sent as it is
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return path, true // bytes, not text
		}
		for i := range v.Len() {
			if p, ok := invalidUTF8(v.Index(i), path+"["+strconv.Itoa(i)+"]", depth+1); !ok {
				return p, false
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			key := it.Key()
			if key.Kind() == reflect.String && !utf8.ValidString(key.String()) {
				return path + " (a key)", false
			}
			name := path
			if key.Kind() == reflect.String {
				name = path + "[" + strconv.Quote(key.String()) + "]"
			}
			if p, ok := invalidUTF8(it.Value(), name, depth+1); !ok {
				return p, false
			}
		}
	}
	return path, true
}

var rawMessageType = reflect.TypeFor[json.RawMessage]()

// marshalsToUTF8 reports whether a value of the caller's own type behind
// an interface (a metadata or custom-field value) encodes to valid UTF-8
// through its MarshalJSON or MarshalText: encoding/json would rewrite
// invalid bytes from MarshalText to U+FFFD without a word. A method that
// fails is left for the encoder to report.
func marshalsToUTF8(v reflect.Value) bool {
	if !v.CanInterface() {
		return true
	}
	switch m := v.Interface().(type) {
	case json.RawMessage:
		return utf8.Valid(m)
	case json.Marshaler:
		b, err := m.MarshalJSON()
		return err != nil || utf8.Valid(b)
	case encoding.TextMarshaler:
		b, err := m.MarshalText()
		return err != nil || utf8.Valid(b)
	}
	return true
}

// jsonName is the name of a field on the wire.
func jsonName(f reflect.StructField) string {
	if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
		return name
	}
	return f.Name
}

// deepCopy returns a copy of v that shares no pointer, slice or map with
// it, so that the caller may change v (or what it points to) while the
// copy is in use.
func deepCopy[T any](v T) T {
	src := reflect.ValueOf(&v).Elem()
	dst := reflect.New(src.Type()).Elem()
	copyValue(dst, src, 0)
	return dst.Interface().(T)
}

func copyValue(dst, src reflect.Value, depth int) {
	if depth > maxInputDepth {
		dst.Set(src)
		return
	}
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		copyValue(p.Elem(), src.Elem(), depth+1)
		dst.Set(p)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		e := reflect.New(src.Elem().Type()).Elem()
		copyValue(e, src.Elem(), depth+1)
		dst.Set(e)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			copyValue(s.Index(i), src.Index(i), depth+1)
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			val := reflect.New(it.Value().Type()).Elem()
			copyValue(val, it.Value(), depth+1)
			m.SetMapIndex(it.Key(), val)
		}
		dst.Set(m)
	case reflect.Struct:
		if !allExported(src.Type()) {
			dst.Set(src) // e.g. time.Time: a value type, safe to share
			return
		}
		for i := range src.NumField() {
			copyValue(dst.Field(i), src.Field(i), depth+1)
		}
	default:
		dst.Set(src)
	}
}

// allExported reports whether every field of struct type t is exported
// (so that copyValue may set them).
func allExported(t reflect.Type) bool {
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return false
		}
	}
	return true
}
