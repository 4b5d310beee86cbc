package ingest

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress shows how far a file has been read, with the rows per second.
type progress struct {
	bar   *progressbar.ProgressBar
	name  string
	start time.Time
}

// newProgress returns nil (a no-op) when w is nil.
func newProgress(w io.Writer, name string, size int64) *progress {
	if w == nil {
		return nil
	}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(250*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
	return &progress{bar: bar, name: name, start: time.Now()}
}

func (p *progress) update(rows int, bytes int64) {
	if p == nil {
		return
	}
	rate := float64(rows) / time.Since(p.start).Seconds()
	p.bar.Describe(fmt.Sprintf("%s: %d rows, %.0f rows/s", p.name, rows, rate))
	_ = p.bar.Set64(bytes)
}

func (p *progress) finish(rows int) {
	if p == nil {
		return
	}
	p.update(rows, p.bar.GetMax64())
	_ = p.bar.Finish()
}
