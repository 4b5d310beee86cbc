// Package pseudonym replaces personal identifiers with keyed hashes (HMAC-SHA-256), so that
// records about one person link across sources while the identifier itself is never stored.
//
// An unkeyed hash of a fiscal code can be reversed by enumerating names, dates and birthplaces;
// the key, held by the linkage officer and never by analysts, is what makes the hash one-way.
package pseudonym

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
)

// MinKeyBytes is the shortest key accepted: 256 bits, the size of the HMAC-SHA-256 output.
const MinKeyBytes = 32

// Size is the length in bytes of a pseudonym.
const Size = sha256.Size

// Kind names the kind of identifier hashed; identifiers of different kinds never collide.
type Kind string

// Identifier kinds.
const (
	FiscalCode Kind = "cf"  // codice fiscale
	STP        Kind = "stp" // temporary code for foreigners not registered with the health service
	ENI        Kind = "eni" // code for EU citizens without health-service registration
)

// Keyed makes pseudonyms under one secret key.
type Keyed struct {
	key []byte
}

// New returns a pseudonymiser for key, which must be at least MinKeyBytes long.
func New(key []byte) (*Keyed, error) {
	if len(key) < MinKeyBytes {
		// The message deliberately says nothing about the key but its length.
		return nil, fmt.Errorf("linkage key is %d bytes, want at least %d (e.g. openssl rand -base64 32)", len(key), MinKeyBytes)
	}
	return &Keyed{key: append([]byte(nil), key...)}, nil
}

// ErrNoKey is returned when no linkage key is configured.
var ErrNoKey = errors.New("no linkage key: set ABITARE_LINK_KEY (at least 32 bytes, e.g. openssl rand -base64 32)")

// Pseudonym returns the keyed hash of an identifier of the given kind. The identifier must
// already be normalised (upper case, no spaces), or equal codes would not link.
func (k *Keyed) Pseudonym(kind Kind, id string) [Size]byte {
	mac := hmac.New(sha256.New, k.key)
	mac.Write([]byte("abitare/v1/"))
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write([]byte(id))
	var out [Size]byte
	mac.Sum(out[:0])
	return out
}

// Fingerprint identifies the key without revealing it, so that a store can refuse to mix
// pseudonyms made under different keys.
func (k *Keyed) Fingerprint() []byte {
	mac := hmac.New(sha256.New, k.key)
	mac.Write([]byte("abitare/v1/key-fingerprint"))
	return mac.Sum(nil)
}
