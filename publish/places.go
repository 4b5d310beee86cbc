package publish

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/abitare/abitare"
	"github.com/abitare/abitare/gazetteer"
	"github.com/abitare/abitare/publish/figures"
	"github.com/jackc/pgx/v5/pgxpool"
)

// writeFigures writes the release's figures files, one per geography and period: figures/<g>/<period>.json.
// A geography without figures in a period (none published there) has no file.
func writeFigures(ctx context.Context, db *pgxpool.Pool, dir string, r release) error {
	reader := figures.Reader{DB: db, Release: r.ID}
	for _, g := range abitare.Geographies {
		for _, period := range r.Periods {
			f, err := reader.Read(ctx, g, period)
			if errors.Is(err, abitare.NotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("figures of %s %s: %w", g, period, err)
			}
			if err := writeCompactJSON(filepath.Join(dir, "figures", g, period+".json"), f); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeGazetteer writes the search index of places at the root of the bundle.
func writeGazetteer(ctx context.Context, db *pgxpool.Pool, dir string) error {
	g, err := gazetteer.Build(ctx, db)
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	b, err := json.Marshal(g)
	if err != nil {
		return fmt.Errorf("publish: encode the gazetteer: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, GazetteerFile), append(b, '\n')); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	return nil
}

func writeCompactJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	return writeText(path, string(b)+"\n")
}
