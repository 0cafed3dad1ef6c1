package polar

import (
	"context"
	"log/slog"
	"time"
)

// Log records carry the operation, the method, the path with client
// secrets replaced, and the attempt number; never bodies, tokens, query
// strings or secrets. Attributes are only built when the level is enabled.

func (r *request) logStart(ctx context.Context, attempt int) {
	if !r.cfg.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	r.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "polar request",
		slog.String("op", r.op), slog.String("method", r.method), slog.String("path", r.path),
		slog.Int("attempt", attempt))
}

func (r *request) logEnd(ctx context.Context, attempt, status int, took time.Duration, err error) {
	if !r.cfg.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("op", r.op), slog.String("method", r.method), slog.String("path", r.path),
		slog.Int("attempt", attempt), slog.Int("status", status), slog.Duration("duration", took),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", r.redact.apply(err.Error())))
	}
	r.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "polar response", attrs...)
}

func (r *request) logRetry(ctx context.Context, attempt int, wait time.Duration, reason string) {
	if !r.cfg.logger.Enabled(ctx, slog.LevelWarn) {
		return
	}
	r.cfg.logger.LogAttrs(ctx, slog.LevelWarn, "polar retry",
		slog.String("op", r.op), slog.String("method", r.method), slog.String("path", r.path),
		slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("reason", r.redact.apply(reason)))
}

func (r *request) logGiveUp(ctx context.Context, attempt int, reason string) {
	if !r.cfg.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	r.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "polar not retrying",
		slog.String("op", r.op), slog.String("method", r.method), slog.String("path", r.path),
		slog.Int("attempt", attempt), slog.String("reason", r.redact.apply(reason)))
}
