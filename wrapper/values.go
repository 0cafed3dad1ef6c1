package polar

import (
	"github.com/oapi-codegen/nullable"
)

// Ptr returns a pointer to v, for the optional fields of request bodies
// and list parameters.
func Ptr[T any](v T) *T { return &v }

// Value returns a tri-state field set to v: it is sent as v.
func Value[T any](v T) nullable.Nullable[T] { return nullable.NewNullableWithValue(v) }

// Null returns a tri-state field set to null: it is sent as null, which
// clears the value on Polar's side. A field left at its zero value is not
// sent at all and keeps its value.
func Null[T any]() nullable.Nullable[T] { return nullable.NewNullNullable[T]() }
