// Package bench holds the SDK's benchmarks: the wrapper (package polar)
// against a hand-written net/http + encoding/json baseline and the
// generated ClientWithResponses, all talking to the same loopback
// httptest server in the same process; paging memory and time per item;
// look-ahead paging under injected latency with a server-side rate check.
//
// Run them with `make bench` (results in bench/latest.txt) or
//
//	cd tests && go test -run '^$' -bench . -benchmem -count=6 ./bench/
//
// The tests of this package (no benchmarks) check the fixtures against
// the OpenAPI document, check that the three implementations send the
// same requests, and check the paging and rate-window servers.
// BENCHMARKS.md at the repository root has the results.
package bench
