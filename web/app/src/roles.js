// The code of the logged-in roles: a chunk of its own, loaded by main.js when such a role is
// logged in (at start or after a login), never in the public's first view. Each part starts
// once, when the session first offers it, and stays for the page's life (its panels and views
// hide themselves when the session no longer offers them).
import { startExposure } from './desk/exposure.js';
import { customAreaAPI, customAreaSelect, startCustomArea } from './desk/custom-area.js';
import { startTargeting } from './desk/targeting.js';
import { startTrendsView, trendsAPI } from './foresight/trends-view.js';
import { forecastsAPI, startForecastFan } from './foresight/forecast-fan.js';
import { startWatchlist, watchlistAPI } from './foresight/watchlist.js';
import { startLeadLag } from './foresight/lead-lag.js';

// Restricted aggregates: who is most exposed, the custom area, and foresight (the trends view,
// the profile's forecast fans, the watchlist, "what comes first"). Returns what main.js hooks
// in (the custom area's map clicks) and what tests and debugging read (window.abitare).
export function startRestricted() {
  startExposure();
  startCustomArea();
  startTrendsView();
  startForecastFan();
  startWatchlist();
  startLeadLag();
  return {
    customAreaSelect,
    api: {
      customArea: customAreaAPI, trends: trendsAPI, watchlist: watchlistAPI, forecasts: forecastsAPI,
    },
  };
}

// Person-level data (the housing office): the targeting list of the area profile.
export function startPeople() {
  startTargeting();
}
