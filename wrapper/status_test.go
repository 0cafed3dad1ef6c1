package polar_test

import (
	"reflect"
	"testing"

	polar "github.com/gopolar/checkouts/wrapper"
)

// TestStatus_oneTypeForEveryShape: every checkout shape the wrapper
// returns carries its state as polar.CheckoutStatus, so one set of
// constants compares with all of them (conf.Status ==
// polar.CheckoutStatusSucceeded compiles).
func TestStatus_oneTypeForEveryShape(t *testing.T) {
	t.Parallel()
	want := reflect.TypeFor[polar.CheckoutStatus]()
	for _, shape := range []reflect.Type{
		reflect.TypeFor[polar.Checkout](),
		reflect.TypeFor[polar.CheckoutPublic](),
		reflect.TypeFor[polar.CheckoutPublicConfirmed](),
	} {
		f, ok := shape.FieldByName("Status")
		if !ok || f.Type != want {
			t.Errorf("%s.Status is %v, want %v", shape.Name(), f.Type, want)
		}
	}
	conf := polar.CheckoutPublicConfirmed{Status: polar.CheckoutStatusSucceeded}
	if conf.Status != polar.CheckoutStatusSucceeded || !conf.Status.Valid() {
		t.Errorf("Status = %q", conf.Status)
	}
}
