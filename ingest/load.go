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

	"github.com/abitare/abitare/ingest/geocode"
	"github.com/abitare/abitare/ingest/pseudonym"
	"github.com/abitare/abitare/ingest/source"
	"github.com/abitare/abitare/ingest/tabular"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Loader loads agency files into the database.
type Loader struct {
	DB       *pgxpool.Pool
	Pseudo   *pseudonym.Keyed
	Area     *StudyArea
	Register *geocode.Register // addresses to geocode records without coordinates; nil for none
	Options  tabular.Options   // declared encoding, delimiter or sheet; zero values detect
	DryRun   bool              // validate and report everything, then store nothing
	LoadedBy string            // who runs the load, recorded with each batch
	Progress io.Writer         // where progress bars go; nil for none
	Logger   *slog.Logger      // nil logs nothing
	Now      func() time.Time  // the clock that decides which dates are in the future
}

// FileResult says what happened to one file.
type FileResult struct {
	File          string
	Format        string // how the file was read, e.g. "csv;utf-8-bom"
	BatchID       int64
	AlreadyLoaded bool // the same content was loaded before, as BatchID: nothing was added
	RowsRead      int
	RowsAccepted  int // new events stored
	RowsDuplicate int // valid rows already stored (repeated in the file or loaded before)
	RowsGeocoded  int // placed from their address
	RowsUnlocated int // with neither coordinates nor a matched address: stored without a place
	RowsOutOfArea int // of a comune outside the territory: stored without a place
	PeriodStart   time.Time
	PeriodEnd     time.Time
	Superseded    []int64 // older extracts of the same period that this file replaced
	Linkage       BatchLinkage
}

// Load loads the files of one source in a single transaction: either every file is stored or,
// on any problem in any file, none is and a *RejectedError lists them all.
func (l *Loader) Load(ctx context.Context, src source.Source, paths []string) ([]FileResult, error) {
	if l.Logger == nil {
		l.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
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
	if l.DryRun {
		return results, nil // the deferred rollback discards everything
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
	sum, size, err := fileSHA256(path)
	if err != nil {
		return res, err
	}
	err = tx.QueryRow(ctx, `SELECT id FROM ingest_batches WHERE source = $1 AND file_sha256 = $2 AND status = 'active'`,
		src.Name, sum).Scan(&res.BatchID)
	if err == nil {
		res.AlreadyLoaded = true
		l.Logger.Info("file already loaded, skipped", "file", name, "source", src.Name, "batch", res.BatchID)
		return res, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return res, fmt.Errorf("look up batch of %s: %w", name, err)
	}

	rows, err := OpenRows(path, name, l.Options, src.Required())
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
	defer rows.Close()
	bar := newProgress(l.Progress, name, size)
	before := problems.total
	stream := newRecordStream(rows, l.validator(name, src), problems, bar)
	if err := stage(ctx, tx, stream); err != nil {
		return res, fmt.Errorf("stage %s: %w", name, err)
	}
	bar.finish(stream.read)
	res.RowsRead, res.Format = stream.read, rows.Format()
	if problems.total > before {
		// Keep validating the other files so the report is complete; nothing will be stored.
		return res, nil
	}
	if stream.read == 0 {
		problems.add(Problem{name, 0, "", "no records after the header"})
		return res, nil
	}
	if err := l.storeBatch(ctx, tx, src, name, res.Format, sum, stream, &res); err != nil {
		return res, err
	}
	l.Logger.Info("file loaded", "file", name, "source", src.Name, "batch", res.BatchID, "format", res.Format,
		"rows", res.RowsRead, "accepted", res.RowsAccepted, "duplicates", res.RowsDuplicate,
		"geocoded", res.RowsGeocoded, "unlocated", res.RowsUnlocated, "out_of_area", res.RowsOutOfArea, "superseded", res.Superseded,
		"people", res.Linkage.People, "linked", res.Linkage.Linked, "dry_run", l.DryRun)
	return res, nil
}

func (l *Loader) validator(name string, src source.Source) *validator {
	now := time.Now
	if l.Now != nil {
		now = l.Now
	}
	return &validator{file: name, src: src, pseudo: l.Pseudo, area: l.Area, register: l.Register, today: now()}
}

// fileSHA256 returns the file's digest, which identifies a load, and its size.
func fileSHA256(path string) ([]byte, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, 0, fmt.Errorf("hash %s: %w", filepath.Base(path), err)
	}
	return h.Sum(nil), n, nil
}
