package polartest

import (
	"crypto/rand"
	mathrand "math/rand/v2"
	"sync"

	"github.com/google/uuid"
)

// Prefixes of the credentials the server hands out, as on Polar.
const (
	clientSecretPrefix  = "polar_c_"
	sessionTokenPrefix  = "polar_cst_"
	randomCredentialLen = 48
)

// alphabet of client secrets and customer session tokens.
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// idSource hands out UUIDs and random strings, from crypto/rand or, in
// deterministic mode, from a seeded generator. It is safe for concurrent
// use.
type idSource struct {
	mu     sync.Mutex
	seeded bool
	seed   int64
	rng    *mathrand.Rand
}

func newIDSource(seeded bool, seed int64) *idSource {
	s := &idSource{seeded: seeded, seed: seed}
	s.reset()
	return s
}

// reset restarts the deterministic sequence.
func (s *idSource) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seeded {
		u := uint64(s.seed)
		s.rng = mathrand.New(mathrand.NewPCG(u, u^0x9e3779b97f4a7c15))
	}
}

// read fills b with random bytes.
func (s *idSource) read(b []byte) {
	if !s.seeded {
		_, _ = rand.Read(b) // never fails (crypto/rand panics on failure itself)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range b {
		b[i] = byte(s.rng.Uint32())
	}
}

// uuid returns a version 4 UUID.
func (s *idSource) uuid() uuid.UUID {
	var u uuid.UUID
	s.read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}

// token returns prefix followed by randomCredentialLen characters of
// [A-Za-z0-9].
func (s *idSource) token(prefix string) string {
	buf := make([]byte, randomCredentialLen)
	out := make([]byte, 0, len(prefix)+randomCredentialLen)
	out = append(out, prefix...)
	for len(out) < cap(out) {
		s.read(buf)
		for _, c := range buf {
			// 248 = 4*62: rejecting larger bytes keeps the choice uniform.
			if c < 248 && len(out) < cap(out) {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}
