// Package checkouts is the root of the Polar checkout-sessions SDK for Go.
//
// Import [github.com/gopolar/checkouts/wrapper] (package polar) for the
// idiomatic client: retries that never pay twice, paging iterators, typed
// errors and logging. The generated low-level client lives in
// [github.com/gopolar/checkouts/client]; it is produced from
// openapi/checkouts.yaml by the pinned oapi-codegen in tools/go.mod:
//
//	go generate ./...
//
// regenerates client/client.gen.go (models and request builders) and
// client/spec.gen.go (the API version the document declares, sent as the
// Polar-Version header). Never edit the generated files by hand.
package checkouts

//go:generate go tool -modfile=tools/go.mod oapi-codegen -config openapi/oapi-codegen.yaml openapi/checkouts.yaml
//go:generate go run ./internal/specinfo -spec openapi/checkouts.yaml -out client/spec.gen.go
