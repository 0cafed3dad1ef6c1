package redislimit

import (
	"crypto/sha256"
	"encoding/hex"
)

// DefaultPrefix starts the names of the limiter's Redis keys unless
// [WithPrefix] says otherwise.
const DefaultPrefix = "polar:ratelimit:"

// hashedKeyBytes is how much of the SHA-256 names a key: 128 bits keep
// distinct organizations apart and tell nothing of a token.
const hashedKeyBytes = 16

// hashKey names the limit of one organization or token without revealing
// it.
func hashKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:hashedKeyBytes])
}
