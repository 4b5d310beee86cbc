package pseudonym

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"testing"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func TestPseudonymIsKeyedAndStable(t *testing.T) {
	a, err := New(testKey)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New([]byte(strings.Repeat("z", 32)))
	code := "RSSMRA80A01H501U"
	if a.Pseudonym(FiscalCode, code) != a.Pseudonym(FiscalCode, code) {
		t.Fatal("same key and code gave different pseudonyms")
	}
	if a.Pseudonym(FiscalCode, code) == b.Pseudonym(FiscalCode, code) {
		t.Fatal("different keys gave the same pseudonym")
	}
	if a.Pseudonym(FiscalCode, code) == a.Pseudonym(STP, code) {
		t.Fatal("identifier kinds collide")
	}
	plain := sha256.Sum256([]byte(code))
	if a.Pseudonym(FiscalCode, code) == plain {
		t.Fatal("pseudonym equals the unkeyed hash")
	}
	// Independent recomputation of the documented construction.
	mac := hmac.New(sha256.New, testKey)
	mac.Write([]byte("abitare/v1/cf\x00" + code))
	if got := a.Pseudonym(FiscalCode, code); !bytes.Equal(got[:], mac.Sum(nil)) {
		t.Fatal("pseudonym is not HMAC-SHA-256 of the documented message")
	}
}

func TestShortKeyRefusedWithoutEchoingIt(t *testing.T) {
	_, err := New([]byte("short-secret"))
	if err == nil {
		t.Fatal("short key accepted")
	}
	if strings.Contains(err.Error(), "short-secret") {
		t.Fatalf("error reveals the key: %v", err)
	}
}

func TestFingerprintDiffersByKeyAndHidesKey(t *testing.T) {
	a, _ := New(testKey)
	b, _ := New([]byte(strings.Repeat("z", 32)))
	if bytes.Equal(a.Fingerprint(), b.Fingerprint()) {
		t.Fatal("fingerprints of different keys are equal")
	}
	if bytes.Contains(a.Fingerprint(), testKey) {
		t.Fatal("fingerprint contains the key")
	}
}
