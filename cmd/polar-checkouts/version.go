package main

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"slices"
	"strings"

	polar "github.com/gopolar/checkouts/wrapper"
)

// runVersion prints the SDK version, the API versions and the Go version.
// It needs no token and makes no request.
func runVersion(_ context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if _, err := parseFlags(fs, env, args); err != nil {
		return err
	}
	known := polar.KnownAPIVersions()
	w := env.stdout
	fmt.Fprintf(w, "polar-checkouts %s (SDK github.com/gopolar/checkouts %s)\n", polar.Version, polar.Version)
	fmt.Fprintf(w, "default API version: %s (known: %s)\n", polar.DefaultAPIVersion, strings.Join(known, ", "))
	if v := env.setting(env.globals.apiVersion, envAPIVersion); v != "" {
		c, err := polar.NewClient(polar.WithAPIVersion(v))
		if err != nil {
			return &usageError{msg: explain(err)}
		}
		note := ""
		if !slices.Contains(known, v) {
			note = " (newer than this SDK knows: sent as given)"
		}
		fmt.Fprintf(w, "selected API version: %s%s\n", c.APIVersion(), note)
	}
	fmt.Fprintf(w, "go: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
