// Moved to @app/core so the worker builds the same hrefs; kept here for the API's existing imports.
export { API_ROOT, hrefs, isUuid, parseHref, parseVersionHref, type HrefKind } from '@app/core';
