package web

import (
	"net/http"

	"github.com/abitare/abitare/auth"
)

// Route is one route of the API or the tiles, with the permission it needs. Routes whose
// answer depends on the role (the published figures for the public, the restricted ones for
// planners) need only auth.ReadPublished and choose inside.
type Route struct {
	Method, Pattern string
	Permission      auth.Permission
	handler         http.HandlerFunc
}

// Routes lists every route behind authentication, so that tests can call each as every role.
func (s *Server) Routes() []Route {
	pub, agg, people := auth.ReadPublished, auth.ReadAggregates, auth.ReadPeople
	link, admin := auth.ManageLinkage, auth.Administer
	return []Route{
		{"GET", "/", pub, s.index},
		{"GET", EmbedPath, pub, s.embed},
		{"GET", "/api/session", pub, s.whoami},
		{"POST", "/api/session", pub, s.login},
		{"DELETE", "/api/session", pub, s.logout},

		{"GET", "/tiles/catalog.json", pub, s.catalog},
		{"GET", "/tiles/{layer}.json", pub, s.tileJSON},
		{"GET", "/tiles/{layer}/{z}/{x}/{y}.mvt", pub, s.latestTile},
		{"GET", "/tiles/{layer}/{version}/{z}/{x}/{y}.mvt", pub, s.versionedTile},

		{"GET", "/api/areas/{geography}/{id}", pub, s.area},
		{"GET", "/api/areas/{geography}/{id}/report", pub, s.areaReport},
		{"GET", "/api/overlap", pub, s.cityOverlap},
		{"GET", "/api/compare", pub, s.compare},
		{"GET", "/api/releases", pub, s.releases},
		{"GET", "/api/open/{geography}", pub, s.openData},
		{"GET", "/api/figures/{geography}", pub, s.figures},
		{"GET", "/api/gazetteer", pub, s.gazetteer},

		{"GET", "/api/rankings", agg, s.rankings},
		{"GET", "/api/categories", agg, s.categories},
		{"GET", "/api/rent-burden", agg, s.rentBurden},
		{"GET", "/api/runs/{id}", agg, s.run},
		{"POST", "/api/custom-area", agg, s.customArea},
		{"POST", "/api/custom-area/report", agg, s.customAreaReport},
		{"GET", "/api/trends/{geography}", agg, s.trends},
		{"GET", "/api/forecasts/{geography}", agg, s.forecasts},
		{"GET", "/api/lead-lag", agg, s.leadLag},
		{"GET", "/api/watchlist", agg, s.watchlist},

		{"GET", "/api/targeting", people, s.targeting},
		{"GET", "/api/people/{pseudonym}/timeline", people, s.timeline},

		{"GET", "/api/linkage", link, s.linkage},
		{"GET", "/api/linkage/key", link, s.linkageKey},

		{"GET", "/api/admin/users", admin, s.adminUsers},
		{"GET", "/api/admin/tokens", admin, s.adminTokens},
		{"GET", "/api/admin/audit", admin, s.adminAudit},
		{"GET", "/api/admin/audit/verify", admin, s.adminAuditVerify},
		{"GET", "/api/admin/audit/custom-areas", admin, s.adminAuditCustomAreas},
		{"GET", "/api/admin/releases", admin, s.adminReleases},
	}
}

// backend is the data of the request's role.
func (s *Server) backend(r *http.Request) *Backend {
	return s.backends[auth.FromContext(r.Context()).Role]
}

// restricted reports whether the request's role reads the restricted aggregates rather than
// the published figures.
func restricted(r *http.Request) bool {
	return auth.FromContext(r.Context()).Role.Can(auth.ReadAggregates)
}
