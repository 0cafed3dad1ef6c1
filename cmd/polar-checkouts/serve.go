package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// serve runs srv on ln until ctx ends (SIGINT or SIGTERM), then shuts it
// down, letting requests in flight finish for up to 5 seconds.
func serve(ctx context.Context, env *environment, name string, srv *http.Server, ln net.Listener) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	env.notef(name)("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
