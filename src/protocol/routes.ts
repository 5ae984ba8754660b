import type * as z from 'zod';
import {
  addUserBodySchema,
  addUserResponseSchema,
  auditResponseSchema,
  createTokenBodySchema,
  createTokenResponseSchema,
  inviteBodySchema,
  inviteInfoSchema,
  loginBodySchema,
  meResponseSchema,
  patchUserBodySchema,
  patchUserResponseSchema,
  removedResponseSchema,
  setupBodySchema,
  tokensResponseSchema,
  usersResponseSchema,
} from './auth.js';
import { duplicatesBodySchema, duplicatesResponseSchema } from './duplicates.js';
import { embeddingsResponseSchema, putEmbeddingsBodySchema, putEmbeddingsResponseSchema, similarBodySchema, similarResponseSchema } from './embeddings.js';
import { errorBodySchema } from './errors.js';
import { exportJsonSchema } from './export.js';
import { foldersResponseSchema, refreshResponseSchema, searchResponseSchema } from './folders.js';
import { healthSchema } from './health.js';
import { historyResponseSchema } from './history.js';
import { putItemBodySchema, patchItemBodySchema, sidecarSchema } from './items.js';
import {
  batchResponseSchema,
  itemConflictBodySchema,
  metricsResponseSchema,
  metricsProgressBodySchema,
  okResponseSchema,
  patchItemsBodySchema,
  putMetricsBodySchema,
} from './label-writes.js';
import { metadataResponseSchema } from './metadata.js';
import { presenceCountsSchema, presenceHeartbeatSchema, presenceLeaveResponseSchema, presenceLeaveSchema } from './presence.js';
import { histogramBodySchema, histogramResponseSchema, metricFieldsResponseSchema, queryBodySchema, queryResponseSchema } from './query.js';
import {
  assignmentsConflictBodySchema,
  assignmentsDocumentSchema,
  mineResponseSchema,
  putAssignmentsBodySchema,
  putSettingsBodySchema,
  settingsConflictBodySchema,
  settingsDocumentSchema,
  statsBodySchema,
  statsResponseSchema,
  activityResponseSchema,
} from './progress.js';
import { putViewsBodySchema, viewsConflictBodySchema, viewsDocumentSchema } from './views.js';

/**
 * Every JSON endpoint: its request body (if any), its 200 answer and, for versioned writes, its
 * 409 answer. Any other error answers `errorBodySchema`. Binary routes (`/file`, `/thumb`, `/preview`,
 * `/og-image`), the CSV export and the event stream (`events.ts`) are not listed here.
 */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: z.ZodType;
  response: z.ZodType;
  conflict?: z.ZodType;
}

export const ENDPOINTS = {
  getItem: { method: 'GET', path: '/item', response: sidecarSchema },
  putItem: { method: 'PUT', path: '/item', body: putItemBodySchema, response: sidecarSchema, conflict: itemConflictBodySchema },
  patchItem: { method: 'PATCH', path: '/item', body: patchItemBodySchema, response: sidecarSchema, conflict: itemConflictBodySchema },
  patchItems: { method: 'PATCH', path: '/items', body: patchItemsBodySchema, response: batchResponseSchema },
  history: { method: 'GET', path: '/item/history', response: historyResponseSchema },
  putMetrics: { method: 'PUT', path: '/metrics', body: putMetricsBodySchema, response: metricsResponseSchema },
  metricsProgress: { method: 'POST', path: '/metrics/progress', body: metricsProgressBodySchema, response: okResponseSchema },
  metricFields: { method: 'GET', path: '/metrics/fields', response: metricFieldsResponseSchema },
  query: { method: 'POST', path: '/query', body: queryBodySchema, response: queryResponseSchema },
  embeddings: { method: 'GET', path: '/embeddings', response: embeddingsResponseSchema },
  putEmbeddings: { method: 'PUT', path: '/embeddings', body: putEmbeddingsBodySchema, response: putEmbeddingsResponseSchema },
  similar: { method: 'POST', path: '/similar', body: similarBodySchema, response: similarResponseSchema },
  histogram: { method: 'POST', path: '/histogram', body: histogramBodySchema, response: histogramResponseSchema },
  duplicates: { method: 'POST', path: '/duplicates', body: duplicatesBodySchema, response: duplicatesResponseSchema },
  folders: { method: 'GET', path: '/folders', response: foldersResponseSchema },
  search: { method: 'GET', path: '/search', response: searchResponseSchema },
  refresh: { method: 'POST', path: '/refresh', response: refreshResponseSchema },
  health: { method: 'GET', path: '/health', response: healthSchema },
  metadata: { method: 'GET', path: '/metadata', response: metadataResponseSchema },
  exportJson: { method: 'GET', path: '/export', response: exportJsonSchema },
  getViews: { method: 'GET', path: '/views', response: viewsDocumentSchema },
  putViews: { method: 'PUT', path: '/views', body: putViewsBodySchema, response: viewsDocumentSchema, conflict: viewsConflictBodySchema },
  getSettings: { method: 'GET', path: '/settings', response: settingsDocumentSchema },
  putSettings: { method: 'PUT', path: '/settings', body: putSettingsBodySchema, response: settingsDocumentSchema, conflict: settingsConflictBodySchema },
  stats: { method: 'POST', path: '/stats', body: statsBodySchema, response: statsResponseSchema },
  activity: { method: 'GET', path: '/activity', response: activityResponseSchema },
  getAssignments: { method: 'GET', path: '/assignments', response: assignmentsDocumentSchema },
  putAssignments: {
    method: 'PUT',
    path: '/assignments',
    body: putAssignmentsBodySchema,
    response: assignmentsDocumentSchema,
    conflict: assignmentsConflictBodySchema,
  },
  myAssignments: { method: 'GET', path: '/assignments/mine', response: mineResponseSchema },
  presence: { method: 'POST', path: '/presence', body: presenceHeartbeatSchema, response: presenceCountsSchema },
  presenceCounts: { method: 'GET', path: '/presence', response: presenceCountsSchema },
  presenceLeave: { method: 'POST', path: '/presence/leave', body: presenceLeaveSchema, response: presenceLeaveResponseSchema },
  me: { method: 'GET', path: '/auth/me', response: meResponseSchema },
  login: { method: 'POST', path: '/auth/login', body: loginBodySchema, response: meResponseSchema },
  logout: { method: 'POST', path: '/auth/logout', response: removedResponseSchema },
  setup: { method: 'POST', path: '/auth/setup', body: setupBodySchema, response: meResponseSchema },
  inviteInfo: { method: 'GET', path: '/auth/invite', response: inviteInfoSchema },
  acceptInvite: { method: 'POST', path: '/auth/invite', body: inviteBodySchema, response: meResponseSchema },
  listUsers: { method: 'GET', path: '/admin/users', response: usersResponseSchema },
  addUser: { method: 'POST', path: '/admin/users', body: addUserBodySchema, response: addUserResponseSchema },
  patchUser: { method: 'PATCH', path: '/admin/users', body: patchUserBodySchema, response: patchUserResponseSchema },
  removeUser: { method: 'DELETE', path: '/admin/users', response: removedResponseSchema },
  listTokens: { method: 'GET', path: '/admin/tokens', response: tokensResponseSchema },
  createToken: { method: 'POST', path: '/admin/tokens', body: createTokenBodySchema, response: createTokenResponseSchema },
  revokeToken: { method: 'DELETE', path: '/admin/tokens', response: removedResponseSchema },
  audit: { method: 'GET', path: '/admin/audit', response: auditResponseSchema },
} as const satisfies Record<string, Endpoint>;

/** The endpoint a method and path (query string ignored) name, if it answers JSON. */
export function findEndpoint(method: string, url: string): Endpoint | undefined {
  const path = url.split('?')[0];
  return Object.values(ENDPOINTS).find((e) => e.method === method.toUpperCase() && e.path === path);
}

/** The schema of an answer with this status: 200 body, 409 conflict body, or the error body. */
export function responseSchema(endpoint: Endpoint, status: number): z.ZodType {
  if (status >= 200 && status < 300) return endpoint.response;
  if (status === 409 && endpoint.conflict) return endpoint.conflict;
  return errorBodySchema;
}
