export type { AppServices, LabelOptions } from './app.js';
export type { DatasetSource, IndexProgress, ItemBytes, RefreshResult } from './datasets/dataset-source.js';
export type { LabelLookup, LabelSnapshot } from './labels/label-lookup.js';
export type { Launched, LaunchOptions } from './launch.js';
export { launch } from './launch.js';
export type { RunningServer, ServerOptions } from './server.js';
export { startServer } from './server.js';
export type { Workspace } from './workspace.js';
export { resolveWorkspace } from './workspace.js';
