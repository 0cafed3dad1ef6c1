package webhook

import "strings"

// redactWindow is the shortest part of a secret that counts as a leak.
const redactWindow = 8

// redacted replaces a log value that contains any part of a secret.
const redacted = "[redacted]"

// redact returns s, or [redacted] if s contains redactWindow consecutive
// bytes of any key (a whole key if it is shorter). Log values that come
// from a request or from the user's function pass through it: a secret
// pasted into a header, a body or an error message never reaches a log.
func (v *Verifier) redact(s string) string {
	for _, key := range v.keys {
		w := min(redactWindow, len(key))
		for i := 0; i+w <= len(key); i++ {
			if strings.Contains(s, string(key[i:i+w])) {
				return redacted
			}
		}
	}
	return s
}
