package hostile

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	polar "github.com/gopolar/checkouts/wrapper"
)

// Callers build the SDK's error types themselves (in their tests, in
// fakes of the SDK), half filled or not at all, and call Error, errors.Is
// and errors.As on them. None of that may panic. The types and sentinels
// are found by parsing package polar, so a new error type that this file
// does not list fails the test instead of going unchecked.

// errorTypes lists every exported error type of package polar.
var errorTypes = map[string]reflect.Type{
	"Error":                reflect.TypeFor[polar.Error](),
	"RateLimitError":       reflect.TypeFor[polar.RateLimitError](),
	"ValidationError":      reflect.TypeFor[polar.ValidationError](),
	"MaybeAppliedError":    reflect.TypeFor[polar.MaybeAppliedError](),
	"InvalidArgumentError": reflect.TypeFor[polar.InvalidArgumentError](),
	"RequestError":         reflect.TypeFor[polar.RequestError](),
	"DecodeError":          reflect.TypeFor[polar.DecodeError](),
}

// sentinels lists every exported error variable of package polar.
var sentinels = map[string]error{
	"ErrNotFound":                  polar.ErrNotFound,
	"ErrCheckoutExpired":           polar.ErrCheckoutExpired,
	"ErrCheckoutNotOpen":           polar.ErrCheckoutNotOpen,
	"ErrForbidden":                 polar.ErrForbidden,
	"ErrAlreadyActiveSubscription": polar.ErrAlreadyActiveSubscription,
	"ErrPaymentFailed":             polar.ErrPaymentFailed,
	"ErrCheckoutLocked":            polar.ErrCheckoutLocked,
	"ErrRateLimited":               polar.ErrRateLimited,
	"ErrUnauthorized":              polar.ErrUnauthorized,
	"ErrValidation":                polar.ErrValidation,
	"ErrMaybeApplied":              polar.ErrMaybeApplied,
	"ErrInvalidArgument":           polar.ErrInvalidArgument,
	"ErrNoAccessToken":             polar.ErrNoAccessToken,
	"ErrResponseTooLarge":          polar.ErrResponseTooLarge,
	"ErrRedirectRefused":           polar.ErrRedirectRefused,
	"ErrRetryBudgetExhausted":      polar.ErrRetryBudgetExhausted,
}

// ownSentinel is the sentinel a type documents it matches whatever its
// fields hold ("also when APIError is not set").
var ownSentinel = map[string]error{
	"RateLimitError":       polar.ErrRateLimited,
	"ValidationError":      polar.ErrValidation,
	"MaybeAppliedError":    polar.ErrMaybeApplied,
	"InvalidArgumentError": polar.ErrInvalidArgument,
}

// wrapperSource is package polar's directory, from tests/hostile.
var wrapperSource = filepath.Join("..", "..", "wrapper")

// declaredErrors parses package polar (without its tests) and returns the
// exported types with an Error() string method, and the exported
// package-level variables set from errors.New or fmt.Errorf.
func declaredErrors(t *testing.T) (types, vars []string) {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(wrapperSource)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(wrapperSource, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if recv := errorMethodReceiver(d); recv != "" && ast.IsExported(recv) {
					types = append(types, recv)
				}
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if ast.IsExported(n.Name) && i < len(vs.Values) && isErrorConstructor(vs.Values[i]) {
							vars = append(vars, n.Name)
						}
					}
				}
			}
		}
	}
	slices.Sort(types)
	slices.Sort(vars)
	return slices.Compact(types), vars
}

// errorMethodReceiver returns the receiver type name of an
// `Error() string` method, or "".
func errorMethodReceiver(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) != 1 || d.Name.Name != "Error" || d.Type.Params.NumFields() != 0 || d.Type.Results.NumFields() != 1 {
		return ""
	}
	if id, ok := d.Type.Results.List[0].Type.(*ast.Ident); !ok || id.Name != "string" {
		return ""
	}
	rt := d.Recv.List[0].Type
	if star, ok := rt.(*ast.StarExpr); ok {
		rt = star.X
	}
	if id, ok := rt.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// isErrorConstructor reports whether e is a call of errors.New or
// fmt.Errorf.
func isErrorConstructor(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && (pkg.Name == "errors" && sel.Sel.Name == "New" || pkg.Name == "fmt" && sel.Sel.Name == "Errorf")
}

// TestZeroValues_registryIsComplete fails when package polar declares an
// error type or sentinel that the registries above do not cover.
func TestZeroValues_registryIsComplete(t *testing.T) {
	t.Parallel()
	types, vars := declaredErrors(t)
	if len(types) < len(errorTypes) || len(vars) < len(sentinels) {
		t.Fatalf("parsing %s found %d error types and %d sentinels, fewer than the %d and %d registered: the parser misses them", wrapperSource, len(types), len(vars), len(errorTypes), len(sentinels))
	}
	for _, name := range types {
		if _, ok := errorTypes[name]; !ok {
			t.Errorf("package polar has a new exported error type %s: add it to errorTypes so that its zero and partial values are checked", name)
		}
	}
	for _, name := range vars {
		if _, ok := sentinels[name]; !ok {
			t.Errorf("package polar has a new exported sentinel %s: add it to sentinels", name)
		}
	}
	for name, typ := range errorTypes {
		if !reflect.PointerTo(typ).Implements(reflect.TypeFor[error]()) {
			t.Errorf("*%s does not implement error", name)
		}
	}
}

// TestZeroValues_noPanic calls everything a caller can call on an error of
// every exported type: its zero value, a nil pointer, every field set
// alone to each of several values, and every field set at once.
func TestZeroValues_noPanic(t *testing.T) {
	t.Parallel()
	for name, typ := range errorTypes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			values := errorValues(typ)
			for _, v := range values {
				exercise(t, name, v)
			}
			t.Logf("%d values of *%s exercised", len(values), name)
		})
	}
}

// TestZeroValues_ownSentinel: a type that documents matching its sentinel
// whatever its fields hold does so on its zero value and on partial
// values, and every non-nil value has a non-empty message.
func TestZeroValues_ownSentinel(t *testing.T) {
	t.Parallel()
	for name, typ := range errorTypes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, v := range errorValues(typ) {
				if v.label == "nil pointer" {
					continue
				}
				msg, panicked := try(func() string { return v.err.Error() })
				if panicked != nil {
					continue // reported by TestZeroValues_noPanic
				}
				if msg == "" {
					t.Errorf("%s: Error() is empty", v.label)
				}
				if want := ownSentinel[name]; want != nil {
					if ok, p := try(func() bool { return errors.Is(v.err, want) }); p == nil && !ok {
						t.Errorf("%s: errors.Is(err, %v) = false", v.label, want)
					}
				}
			}
		})
	}
}

// labeled is one value of an error type and how it was made.
type labeled struct {
	label string
	err   error
}

// errorValues returns the values of *typ to exercise.
func errorValues(typ reflect.Type) []labeled {
	out := []labeled{
		{"zero value", reflect.New(typ).Interface().(error)},
		{"nil pointer", reflect.Zero(reflect.PointerTo(typ)).Interface().(error)},
	}
	all := reflect.New(typ)
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			continue
		}
		for j, s := range samples(f.Type, 2) {
			v := reflect.New(typ)
			v.Elem().Field(i).Set(s)
			out = append(out, labeled{fmt.Sprintf("only %s set (sample %d: %s)", f.Name, j, describe(s)), v.Interface().(error)})
			if j == 0 {
				all.Elem().Field(i).Set(s)
			}
		}
	}
	return append(out, labeled{"every field set", all.Interface().(error)})
}

// describe renders a sample for a test name, shortly.
func describe(v reflect.Value) string {
	s := fmt.Sprintf("%#v", v.Interface())
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}

var (
	errorType    = reflect.TypeFor[error]()
	durationType = reflect.TypeFor[time.Duration]()
)

// samples returns non-zero values of type t, depth levels of nesting deep
// (a nil pointer or interface is the zero value, already covered).
func samples(t reflect.Type, depth int) []reflect.Value {
	conv := func(vs ...any) []reflect.Value {
		out := make([]reflect.Value, 0, len(vs))
		for _, v := range vs {
			out = append(out, reflect.ValueOf(v).Convert(t))
		}
		return out
	}
	switch {
	case t == durationType:
		return conv(time.Second, time.Duration(-1), time.Duration(math.MaxInt64), time.Duration(math.MinInt64))
	case t == errorType:
		return []reflect.Value{
			reflect.ValueOf(errors.New("cause")).Convert(t),
			reflect.ValueOf((*polar.Error)(nil)).Convert(t), // a typed nil inside the interface
			reflect.ValueOf(&polar.Error{}).Convert(t),
			reflect.ValueOf(&polar.MaybeAppliedError{}).Convert(t),
			reflect.ValueOf(context.DeadlineExceeded).Convert(t),
		}
	}
	switch t.Kind() {
	case reflect.String:
		return conv("x", "polar_c_not_a_real_secret\n\xff", strings.Repeat("é", 300))
	case reflect.Bool:
		return conv(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return conv(1, -1, 429, 503, 599)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return conv(1)
	case reflect.Float32, reflect.Float64:
		return conv(1.5, math.NaN(), math.Inf(1))
	case reflect.Interface:
		out := []reflect.Value{reflect.ValueOf("x"), reflect.ValueOf(1.0), reflect.ValueOf([]any{nil})}
		for i := range out {
			out[i] = out[i].Convert(t)
		}
		return out
	case reflect.Pointer:
		out := []reflect.Value{reflect.New(t.Elem())}
		if depth > 0 {
			for _, s := range samples(t.Elem(), depth-1) {
				p := reflect.New(t.Elem())
				p.Elem().Set(s)
				out = append(out, p)
			}
		}
		return out
	case reflect.Slice:
		out := []reflect.Value{reflect.MakeSlice(t, 0, 0), reflect.MakeSlice(t, 2, 2)} // empty; two zero elements
		if depth > 0 {
			for _, s := range samples(t.Elem(), depth-1) {
				sl := reflect.MakeSlice(t, 1, 1)
				sl.Index(0).Set(s)
				out = append(out, sl)
			}
		}
		return out
	case reflect.Map:
		out := []reflect.Value{reflect.MakeMap(t)}
		if t == reflect.TypeFor[http.Header]() {
			out = append(out, reflect.ValueOf(http.Header{"Retry-After": {"1", "9999999999999999999999"}, "X-Nil": nil}))
		}
		if depth > 0 && t.Key().Kind() == reflect.String {
			for _, s := range samples(t.Elem(), depth-1) {
				m := reflect.MakeMap(t)
				m.SetMapIndex(reflect.ValueOf("k").Convert(t.Key()), s)
				out = append(out, m)
			}
		}
		return out
	case reflect.Struct:
		out := []reflect.Value{}
		if depth > 0 {
			for i := range t.NumField() {
				if !t.Field(i).IsExported() {
					continue
				}
				for _, s := range samples(t.Field(i).Type, depth-1) {
					v := reflect.New(t).Elem()
					v.Field(i).Set(s)
					out = append(out, v)
				}
			}
		}
		return out
	}
	return nil
}

// try runs f, returning the panic value if it panicked.
func try[T any](f func() T) (out T, panicked any) {
	defer func() { panicked = recover() }()
	return f(), nil
}

// exercise calls on v everything a caller may call, and fails t for each
// panic.
func exercise(t *testing.T, typeName string, v labeled) {
	t.Helper()
	var panics []string
	var first any
	check := func(what string, f func() any) {
		if _, p := try(f); p != nil {
			panics = append(panics, what)
			if first == nil {
				first = p
			}
		}
	}
	defer func() {
		if len(panics) > 0 {
			t.Errorf("*%s, %s: %d calls panic (%s; first: %v)", typeName, v.label, len(panics), strings.Join(panics[:min(len(panics), 4)], ", "), first)
		}
	}()
	err := v.err
	check("Error()", func() any { return err.Error() })
	check("fmt %v %+v %s %q", func() any {
		s := fmt.Sprintf("%v %+v %s %q", err, err, err, err)
		if strings.Contains(s, "PANIC=") {
			panic("fmt caught a panic: " + s)
		}
		return s
	})
	check("errors.Unwrap", func() any { return errors.Unwrap(err) })
	for name, s := range sentinels {
		check("errors.Is(err, "+name+")", func() any { return errors.Is(err, s) })
	}
	for name, typ := range errorTypes {
		target := reflect.New(reflect.PointerTo(typ))
		check("errors.As(err, **"+name+")", func() any { return errors.As(err, target.Interface()) })
	}
	// Every exported method, with arguments of each kind it takes: the
	// sentinels for an error parameter, zero values otherwise.
	rv := reflect.ValueOf(err)
	for i := range rv.NumMethod() {
		m := rv.Type().Method(i)
		for _, args := range methodArgs(m.Type) {
			check(fmt.Sprintf("method %s%v", m.Name, args), func() any { return rv.Method(i).Call(args) })
		}
	}
	// Wrapped the way callers wrap errors.
	wrapped := fmt.Errorf("caller: %w", err)
	check("errors.Is through a wrapper", func() any { return errors.Is(wrapped, polar.ErrMaybeApplied) })
	check("errors.Join", func() any { return errors.Join(err, err).Error() })
}

// methodArgs returns argument lists for a method type (receiver included
// in mt.In(0)).
func methodArgs(mt reflect.Type) [][]reflect.Value {
	n := mt.NumIn() - 1
	if n == 0 {
		return [][]reflect.Value{nil}
	}
	if n == 1 && mt.In(1) == errorType {
		out := [][]reflect.Value{{reflect.Zero(errorType)}}
		for _, s := range sentinels {
			out = append(out, []reflect.Value{reflect.ValueOf(s)})
		}
		return out
	}
	args := make([]reflect.Value, n)
	for i := range args {
		args[i] = reflect.Zero(mt.In(i + 1))
	}
	return [][]reflect.Value{args}
}
