# Abitare: `make demo` runs the observatory on the demo city, `make test` runs every test.
# Both use $DATABASE_URL when set; otherwise .ci/devdb starts a project-local PostGIS.
SHELL := /bin/bash
GO ?= go
BIN := bin/abitare
DEMO_DIR := demo-data
PROVINCE_DIR := demo-data-province
PROVINCE_DB ?= abitare_province
SCALE ?= 1
SEED ?= 1
ADDR ?= 127.0.0.1:8080
WEB_SRC := $(shell find web/app/src -type f 2>/dev/null) web/app/build.mjs web/app/package.json

.PHONY: all build web demo demo-load demo-province demo-province-load test vet bench bench-tiles clean

all: build

web/app/node_modules/.package-lock.json: web/app/package-lock.json
	.ci/ensure-tools
	cd web/app && npm ci --no-audit --no-fund

ui/dist/index.html: web/app/node_modules/.package-lock.json $(WEB_SRC)
	cd web/app && npm run build

web: ui/dist/index.html

build: web
	@.ci/ensure-tools
	$(GO) build -o $(BIN) ./cmd/abitare

# The demo's linkage key: random, made once, kept out of git. A different key would make the
# stored pseudonyms unlinkable, so ingest refuses it.
.abitare-demo-key:
	umask 077; head -c 32 /dev/urandom | base64 > $@

# Load the demo city into the database (idempotent: files already loaded are skipped).
demo-load: build .abitare-demo-key
	@set -euo pipefail; \
	DATABASE_URL="$$(.ci/devdb)"; export DATABASE_URL; \
	export ABITARE_LINK_KEY="$${ABITARE_LINK_KEY:-$$(cat .abitare-demo-key)}"; \
	$(BIN) migrate; \
	$(BIN) zones; \
	$(BIN) demo --seed $(SEED) --out $(DEMO_DIR); \
	$(BIN) sections $(DEMO_DIR)/sezioni.geojson; \
	$(BIN) addresses load $(DEMO_DIR)/stradario_anncsu.csv; \
	$(BIN) population load $(DEMO_DIR)/anagrafe.csv; \
	$(BIN) ingest --source social_services $(DEMO_DIR)/servizi_sociali.csv; \
	$(BIN) ingest --source housing_office $(DEMO_DIR)/ufficio_casa.csv; \
	$(BIN) ingest --source health_authority $(DEMO_DIR)/ausl_prese_in_carico.csv; \
	$(BIN) ingest --source employment_agency $(DEMO_DIR)/agenzia_lavoro.csv; \
	$(BIN) ingest --source injury_insurer $(DEMO_DIR)/inail_infortuni.xlsx; \
	$(BIN) linkage; \
	$(BIN) aggregate --period latest; \
	$(BIN) trends; \
	$(BIN) release; \
	.ci/demo-users $(BIN)

demo: demo-load
	@echo "Abitare: open http://$(ADDR)/ (Ctrl-C to stop); demo accounts: .abitare-demo-users"
	@DATABASE_URL="$$(.ci/devdb)" exec $(BIN) serve --addr $(ADDR)

# The province of Modena (47 comuni, about 686,000 residents) in its own database of the same
# cluster (PROVINCE_DB, unless DATABASE_URL is set), so it and the city's don't clobber each
# other: the territory from the bundled ISTAT boundaries, Modena's OMI zones and the other comuni
# as their own districts, then the same files as the city's.
demo-province-load: build .abitare-demo-key
	@set -euo pipefail; \
	DATABASE_URL="$$(.ci/devdb $(PROVINCE_DB))"; export DATABASE_URL; \
	export ABITARE_LINK_KEY="$${ABITARE_LINK_KEY:-$$(cat .abitare-demo-key)}"; \
	step() { local t=$$SECONDS; "$$@"; echo "demo-province: $${1##*/} $${*:2}: $$((SECONDS - t)) s" >&2; }; \
	step $(BIN) migrate; \
	step $(BIN) territory load democity/province/data/istat_comuni_provincia_modena_2023.geojson --province 036; \
	step $(BIN) zones --omi-only; \
	step $(BIN) demo --province --scale $(SCALE) --seed $(SEED) --out $(PROVINCE_DIR); \
	step $(BIN) sections $(PROVINCE_DIR)/sezioni.geojson; \
	step $(BIN) addresses load $(PROVINCE_DIR)/stradario_anncsu.csv; \
	step $(BIN) population load $(PROVINCE_DIR)/anagrafe.csv; \
	step $(BIN) ingest --source social_services $(PROVINCE_DIR)/servizi_sociali.csv; \
	step $(BIN) ingest --source housing_office $(PROVINCE_DIR)/ufficio_casa.csv; \
	step $(BIN) ingest --source health_authority $(PROVINCE_DIR)/ausl_prese_in_carico.csv; \
	step $(BIN) ingest --source employment_agency $(PROVINCE_DIR)/agenzia_lavoro.csv; \
	step $(BIN) ingest --source injury_insurer $(PROVINCE_DIR)/inail_infortuni.xlsx; \
	step $(BIN) linkage; \
	step $(BIN) aggregate --period latest --permutations 199; \
	step $(BIN) trends; \
	step $(BIN) release; \
	step .ci/demo-users $(BIN) .abitare-demo-users-province

demo-province: demo-province-load
	@echo "Abitare, province of Modena: open http://$(ADDR)/ (Ctrl-C to stop); demo accounts: .abitare-demo-users-province"
	@DATABASE_URL="$$(.ci/devdb $(PROVINCE_DB))" exec $(BIN) serve --addr $(ADDR)

vet:
	@.ci/ensure-tools
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

# Every test: unit, integration against a fresh PostGIS database, and the map in headless Chromium.
test: web vet
	@.ci/ensure-tools --browser
	cd web/app && npm test
	@set -euo pipefail; \
	DATABASE_URL="$$(.ci/devdb)"; export DATABASE_URL; \
	ABITARE_TEST_REQUIRE_DB=1 ABITARE_E2E=1 $(GO) test -count=1 -timeout 40m ./...

# Ingest of ABITARE_BENCH_ROWS (default 1,000,000) events against a raw COPY of the same rows,
# in one run; the figures go to BENCHMARKS.md.
BENCH_INGEST := go test -run '^$$' -bench IngestVersusCopy -benchtime 3x -timeout 60m ./ingest/
BENCH_AGGREGATE := go test -run '^$$' -bench AggregateCity -benchtime 1x -timeout 60m ./geo/aggregate/
# Benchmarks run against a cluster with fsync and synchronous_commit on, as users run PostgreSQL
# (ABITARE_PGDURABLE=1; DATABASE_URL, when set, is used as it is).
bench: web
	@set -euo pipefail; mkdir -p test-output; \
	DATABASE_URL="$$(ABITARE_PGDURABLE=1 .ci/devdb)"; export DATABASE_URL; \
	$(BENCH_INGEST) | tee test-output/bench-ingest.txt; \
	.ci/bench-report ingest "make bench   # $(BENCH_INGEST)" < test-output/bench-ingest.txt; \
	$(BENCH_AGGREGATE) | tee test-output/bench-aggregate.txt; \
	.ci/bench-report aggregate "make bench   # $(BENCH_AGGREGATE)" < test-output/bench-aggregate.txt
	$(MAKE) bench-tiles

# Tiles under load on the demo city (make demo-load first): our server against nginx serving the
# same bytes and against ST_AsMVT per request (pg_tileserv's way), with wrk; then the map's
# first view in headless Chromium. The figures go to BENCHMARKS.md.
bench-tiles: build
	@DATABASE_URL="$$(.ci/devdb)" .ci/bench-tiles

clean:
	rm -rf bin $(DEMO_DIR) $(PROVINCE_DIR) test-output ui/dist/*.js ui/dist/*.css ui/dist/*.html
