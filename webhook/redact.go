package webhook

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// redactWindow is the shortest part of a secret that counts as a leak.
const redactWindow = 8

// redacted replaces a log value that contains any part of a secret.
const redacted = "[redacted]"

// leakForms returns the spellings of a key that a log value could carry:
// the bytes themselves, their hex (both cases), their base64 (a whsec_
// secret's own spelling) and Go's %v of a byte slice.
func leakForms(key []byte) []string {
	return []string{
		string(key),
		hex.EncodeToString(key),
		strings.ToUpper(hex.EncodeToString(key)),
		base64.StdEncoding.EncodeToString(key),
		fmt.Sprint(key),
	}
}

// Redact returns s, or "[redacted]" if s contains redactWindow (8)
// consecutive characters of any spelling of a secret's keys (the whole
// spelling if it is shorter): the secret itself, its decoded key, and
// that key in hex, base64 or Go's %v of a []byte. The handler passes
// every value it logs through it; use it for your own log lines about
// deliveries too.
func (v *Verifier) Redact(s string) string {
	for _, form := range v.leaks {
		w := min(redactWindow, len(form))
		for i := 0; i+w <= len(form); i++ {
			if strings.Contains(s, form[i:i+w]) {
				return redacted
			}
		}
	}
	return s
}
