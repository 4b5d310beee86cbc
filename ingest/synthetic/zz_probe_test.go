package synthetic

import (
	"fmt"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	dir := "/tmp/demo185"
	t0 := time.Now()
	s, err := Generate(Config{Seed: 1}, dir)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("elapsed", time.Since(t0))
	fmt.Printf("%+v\n", s)
}
