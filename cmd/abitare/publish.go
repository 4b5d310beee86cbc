package main

import (
	"context"
	"fmt"

	"github.com/abitare/abitare/pipeline"
	"github.com/abitare/abitare/publish"
	"github.com/abitare/abitare/publish/dcat"
	"github.com/abitare/abitare/ui"
)

// runPublish writes the open-data bundle of every release kept, reading as the public role:
// nothing the public may not see can reach the bundle.
func runPublish(ctx context.Context, env *environment, args []string) error {
	fs, dbURL := env.flagSet("publish")
	baseURL := fs.String("base-url", env.getenv("ABITARE_PUBLISH_BASE_URL"), "URL the bundle will be served from, for absolute links in its metadata (env ABITARE_PUBLISH_BASE_URL)")
	license := fs.String("license", envOr(env, "ABITARE_LICENSE", publish.DefaultLicense), "data licence: CC-BY-4.0, CC0-1.0 or IODL-2.0 (env ABITARE_LICENSE)")
	var pub dcat.Publisher
	fs.StringVar(&pub.Name, "publisher", env.getenv("ABITARE_PUBLISHER"), "the public body that publishes, e.g. \"Comune di Modena\" (env ABITARE_PUBLISHER)")
	fs.StringVar(&pub.IPACode, "publisher-ipa", env.getenv("ABITARE_PUBLISHER_IPA"), "its code in the IPA index, e.g. c_f257 (env ABITARE_PUBLISHER_IPA)")
	fs.StringVar(&pub.Email, "publisher-email", env.getenv("ABITARE_PUBLISHER_EMAIL"), "contact e-mail of the data (env ABITARE_PUBLISHER_EMAIL)")
	fs.StringVar(&pub.Homepage, "publisher-url", env.getenv("ABITARE_PUBLISHER_URL"), "the body's or the observatory's home page (env ABITARE_PUBLISHER_URL)")
	basemap := fs.String("basemap-style", env.getenv("ABITARE_BASEMAP_STYLE"),
		"URL of a MapLibre style the bundle's map draws under the data, e.g. https://tiles.openfreemap.org/styles/positron (env ABITARE_BASEMAP_STYLE; default none: no request to another site)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := ui.CheckBasemapStyle(*basemap); err != nil {
		return fmt.Errorf("--basemap-style: %w", err)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: abitare publish [--base-url URL] [--license ID] [--basemap-style URL] --publisher NAME --publisher-ipa CODE --publisher-email ADDRESS --publisher-url URL DIR")
	}
	sum, err := pipeline.Publish(ctx, *dbURL, fs.Arg(0), publish.Options{BaseURL: *baseURL, License: *license, Publisher: pub,
		BasemapStyle: *basemap, Logger: env.logger})
	if err != nil {
		return err
	}
	for _, r := range sum.Releases {
		var bytes int64
		for _, f := range r.Files {
			bytes += f.Bytes
		}
		fmt.Fprintf(env.stdout, "release %d: %s, %d files, %.1f MB\n", r.ID, r.Path, len(r.Files)+1, float64(bytes)/1e6)
	}
	fmt.Fprintf(env.stdout, "bundle written to %s (latest release %d)\n", fs.Arg(0), sum.Latest)
	return nil
}
