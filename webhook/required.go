package webhook

import (
	"reflect"
	"strings"

	"github.com/gopolar/checkouts/client"
)

// encoding/json leaves a field at its zero value when the member is
// missing or null, so a payload without "status" or with "id": null would
// decode into a checkout that looks real. The members the OpenAPI document
// requires are checked before decoding instead. They are read from the
// generated types, where a required property has no omitempty and a
// nullable one is a nullable.Nullable, so they follow the spec when the
// client is regenerated.

// requiredMembers is the required part of one schema.
type requiredMembers struct {
	names    []string       // in field order
	index    map[string]int // name → position in names
	nullable []bool         // the member may be null
}

var (
	checkoutRequired = requiredOf(reflect.TypeFor[client.Checkout]())
	orderRequired    = requiredOf(reflect.TypeFor[client.WebhookOrder]())
)

// requiredOf lists the required JSON members of a generated struct type.
func requiredOf(t reflect.Type) *requiredMembers {
	r := &requiredMembers{index: map[string]int{}}
	for f := range t.Fields() {
		tag, ok := f.Tag.Lookup("json")
		if !ok || tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",omitempty,") {
			continue
		}
		r.index[name] = len(r.names)
		r.names = append(r.names, name)
		r.nullable = append(r.nullable, isNullable(f.Type))
	}
	return r
}

// isNullable reports whether t is a nullable.Nullable[T].
func isNullable(t reflect.Type) bool {
	return t.PkgPath() == "github.com/oapi-codegen/nullable" && strings.HasPrefix(t.Name(), "Nullable[")
}

// check returns a *ParseError naming the required members that members
// lacks, or a non-nullable one that is null.
func (r *requiredMembers) check(body []byte, members []member) error {
	var seenBuf [128]bool
	var seen []bool
	if len(r.names) > len(seenBuf) {
		seen = make([]bool, len(r.names))
	} else {
		seen = seenBuf[:len(r.names)]
	}
	for _, m := range members {
		var i int
		var ok bool
		if m.escaped {
			i, ok = r.index[memberName(body, m)]
		} else {
			i, ok = r.index[string(body[m.name.start:m.name.end])]
		}
		if !ok {
			continue
		}
		if !r.nullable[i] && body[m.value.start] == 'n' {
			return &ParseError{Field: "data." + r.names[i], Reason: "must not be null", Offset: int64(m.value.start)}
		}
		seen[i] = true
	}
	var missing []string
	for i, ok := range seen {
		if !ok {
			missing = append(missing, r.names[i])
		}
	}
	if missing != nil {
		return &ParseError{Field: "data", Reason: "missing required member " + strings.Join(missing, ", "), Offset: -1}
	}
	return nil
}
