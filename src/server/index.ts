/**
 * An HTTP reward server for trainers (OpenRLHF's remote reward model protocol, plus a
 * plain `/score` endpoint), built on `node:http` and the worker-thread score pool.
 *
 * Import from `srl-kit/server`. **Node only** (it needs `node:http` and worker threads).
 *
 * @module server
 */
export { createRewardServer } from './create-reward-server.js';
export { DEFAULT_MAX_WORK } from './server-options.js';
export type { RequestLogEntry, RewardServer, RewardServerAddress, RewardServerOptions } from './create-reward-server.js';
export { createRewardCluster } from './create-reward-cluster.js';
export type { RewardCluster, RewardClusterEvent, RewardClusterOptions } from './create-reward-cluster.js';
export { closeOnSignals } from './close-on-signals.js';
export type { Closable } from './close-on-signals.js';
export { HttpError } from './http-error.js';
export { readBody } from './read-body.js';
export { parseJson, parseOptions, parseRewardRequest, parseScoreRequest } from './parse-requests.js';
export type { JsonStepRewardOptions, ParsedItem, ParseLimits, ScoringCeilings } from './parse-requests.js';
