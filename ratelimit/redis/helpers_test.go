package redislimit

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
)

// recordingHandler keeps the messages of the records logged to it.
type recordingHandler struct {
	onRecord func() // called after each record, if set

	mu   sync.Mutex
	msgs []string
}

func newLogger(h *recordingHandler) *slog.Logger { return slog.New(h) }

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.String())
		return true
	})
	h.mu.Lock()
	h.msgs = append(h.msgs, b.String())
	h.mu.Unlock()
	if h.onRecord != nil {
		h.onRecord()
	}
	return nil
}

func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) messages() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.msgs...)
}

// count is how many records contain s.
func (h *recordingHandler) count(s string) int {
	n := 0
	for _, m := range h.messages() {
		if strings.Contains(m, s) {
			n++
		}
	}
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }
