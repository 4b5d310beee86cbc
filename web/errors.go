package web

import (
	"log/slog"
	"net/http"

	"github.com/abitare/abitare"
)

// fail answers an error in the one JSON shape of the API, {"error": ..., "code": ...}, with the
// status its kind calls for (abitare.Kind), and logs it with the request's id. An internal
// error is logged in full and shown as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		return // the client went away; nothing to answer
	}
	kind := abitare.KindOf(err)
	level := slog.LevelInfo
	if kind == abitare.Internal || kind == abitare.Unavailable {
		level = slog.LevelError
	}
	s.logger.LogAttrs(r.Context(), level, "request failed", slog.String("path", r.URL.Path),
		slog.String("request_id", infoOf(r).id), slog.String("code", string(kind)), slog.String("err", err.Error()))
	writeError(w, statusOf(kind), abitare.MessageOf(err))
}

// invalid is a bad request, told to the user as it is.
func invalid(format string, args ...any) error {
	return abitare.Errorf(abitare.Invalid, format, args...)
}
