// Package ingest takes partners' exports into the observatory: it parses each file, validates
// every record, replaces identifiers with keyed pseudonyms, places each record on the H3 grid and
// in its census section, and stores it with COPY. A load is all or nothing: one bad record and
// nothing is stored, with every problem reported as file:line:field:reason.
package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/ingest/source"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/schollz/progressbar/v3"
)

// Loader loads agency files into the database.
type Loader struct {
	DB       *pgxpool.Pool
	Pseudo   *pseudonym.Keyed
	Area     *StudyArea
	LoadedBy string    // who runs the load, recorded with each batch
	Progress io.Writer // where progress bars go; nil for none
	Logger   *slog.Logger
	Now      func() time.Time // the clock that decides which dates are in the future
}

// FileResult says what happened to one file.
type FileResult struct {
	File          string
	BatchID       int64
	AlreadyLoaded bool // the same content was loaded before, as BatchID: nothing was added
	RowsRead      int
	RowsAccepted  int // new events stored
	RowsDuplicate int // valid rows already stored (repeated in the file or loaded before)
}

// Load loads the files of one source in a single transaction: either every file is stored or,
// on any problem in any file, none is and a *RejectedError lists them all.
func (l *Loader) Load(ctx context.Context, src source.Source, paths []string) ([]FileResult, error) {
	tx, err := l.DB.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin load: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if err := l.checkKey(ctx, tx); err != nil {
		return nil, err
	}
	var problems problemList
	results := make([]FileResult, 0, len(paths))
	for _, path := range paths {
		res, err := l.loadFile(ctx, tx, src, path, &problems)
		if err != nil {
			return nil, err
		}
		results = append(results, res)
	}
	if err := problems.err(); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("commit load: %w", err)
	}
	return results, nil
}

// checkKey refuses a key other than the one that made the stored pseudonyms, and records the
// key's fingerprint on first use. The row lock serialises concurrent first loads.
func (l *Loader) checkKey(ctx context.Context, tx pgx.Tx) error {
	var stored []byte
	err := tx.QueryRow(ctx, `SELECT fingerprint FROM link_key FOR UPDATE`).Scan(&stored)
	if errors.Is(err, pgx.ErrNoRows) {
		_, err = tx.Exec(ctx, `INSERT INTO link_key (fingerprint) VALUES ($1)`, l.Pseudo.Fingerprint())
		if err != nil {
			return fmt.Errorf("record linkage key fingerprint: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read linkage key fingerprint: %w", err)
	}
	if !bytes.Equal(stored, l.Pseudo.Fingerprint()) {
		return errors.New("ABITARE_LINK_KEY is not the key that made the stored pseudonyms: refusing to mix them (load with the original key, or start a new database)")
	}
	return nil
}

func (l *Loader) loadFile(ctx context.Context, tx pgx.Tx, src source.Source, path string, problems *problemList) (FileResult, error) {
	name := filepath.Base(path)
	res := FileResult{File: path}
	sum, err := fileSHA256(path)
	if err != nil {
		return res, err
	}
	err = tx.QueryRow(ctx, `SELECT id FROM ingest_batches WHERE source = $1 AND file_sha256 = $2`, src.Name, sum).Scan(&res.BatchID)
	if err == nil {
		res.AlreadyLoaded = true
		l.Logger.Info("file already loaded, skipped", "file", name, "source", src.Name, "batch", res.BatchID)
		return res, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return res, fmt.Errorf("look up batch of %s: %w", name, err)
	}

	f, err := os.Open(path)
	if err != nil {
		return res, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	in, closeProgress := l.withProgress(f, name)
	defer closeProgress()

	before := problems.total
	stream, err := newRecordStream(in, name, src, l.validator(name, src), problems)
	if err != nil {
		var rej *RejectedError
		if errors.As(err, &rej) {
			for _, p := range rej.Problems {
				problems.add(p)
			}
			return res, nil
		}
		return res, err
	}
	if err := stage(ctx, tx, stream); err != nil {
		return res, fmt.Errorf("stage %s: %w", name, err)
	}
	res.RowsRead = stream.read
	if problems.total > before {
		// Keep validating the other files so the report is complete; nothing will be stored.
		return res, nil
	}
	if stream.read == 0 {
		problems.add(Problem{name, 0, "", "no records after the header"})
		return res, nil
	}
	if err := l.storeBatch(ctx, tx, src, name, sum, &res); err != nil {
		return res, err
	}
	l.Logger.Info("file loaded", "file", name, "source", src.Name, "batch", res.BatchID,
		"rows", res.RowsRead, "accepted", res.RowsAccepted, "duplicates", res.RowsDuplicate)
	return res, nil
}

func (l *Loader) validator(name string, src source.Source) *validator {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	return &validator{file: name, src: src, pseudo: l.Pseudo, area: l.Area, today: now()}
}

func (l *Loader) withProgress(f *os.File, name string) (io.Reader, func()) {
	if l.Progress == nil {
		return f, func() {}
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(l.Progress),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(l.Progress) }),
	)
	r := progressbar.NewReader(f, bar)
	return &r, func() { _ = bar.Finish() }
}

func fileSHA256(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("hash %s: %w", filepath.Base(path), err)
	}
	return h.Sum(nil), nil
}
