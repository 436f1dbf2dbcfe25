/**
 * Strata's public API: everything the CLI does is callable from here.
 */
export type { Adapter, AdapterCapabilities, ConnectionPool, TargetInfo } from './adapter/adapter.js';
export type { Connection, QueryResult } from './adapter/connection.js';
export type { SqlDialect } from './adapter/dialect.js';
export type { Relation, ExistingRelation, ColumnInfo } from './adapter/relation.js';
export { relationKey } from './adapter/relation.js';
export type { Diagnostic, SourceLocation } from './diagnostics/diagnostic.js';
export { StrataUserError, hasErrors } from './diagnostics/diagnostic.js';
export { StrataEnvironmentError } from './diagnostics/environment-error.js';
export { NO_RUN_LOCK, runLockTimeout, type RunLock, type RunLockOptions, type RunLockWait } from './adapter/run-lock.js';
export { loadProject, loadProjectWithEngine, PROJECT_FILE_NAMES, type LoadOptions, type LoadedProject } from './project/load-project.js';
export type { Project, ProjectNode, SourceDefinition, ResolvedTarget } from './project/types.js';
export { buildGraph, type DependencyGraph } from './graph/build-graph.js';
export { selectNodes, type SelectionOptions } from './graph/select.js';
export { Compiler, type CompiledNode, type CompileOptions } from './compile/compiler.js';
export { compileProject, prepareProject, type ProjectOptions, type PreparedProject } from './compile/compile-project.js';
export { planNode, MATERIALIZATIONS } from './plan/materializations.js';
export type { PlanInput } from './plan/plan-input.js';
export type { Plan, Statement } from './plan/plan.js';
export { runProject, type RunOptions } from './run/run-project.js';
export { runOperation, parseOperationArgs, type OperationOptions, type OperationOutcome } from './run/run-operation.js';
export { cloneProject, type CloneOptions } from './run/clone-project.js';
export { checkSourceFreshness, type FreshnessEvent, type FreshnessRunOptions } from './run/source-freshness.js';
export { sourcesArtifact, writeSourcesArtifact, SOURCES_SCHEMA, type FreshnessResult } from './artifacts/sources-artifact.js';
export type { FreshnessThreshold, FreshnessStatus } from './project/freshness.js';
export { starterProjectFiles, writeStarterProject } from './project/starter-project.js';
export { addProfile, profileYaml, profilesFileFor, type ProfileSettings } from './project/profile-setup.js';
export type { NodeResult, RunSummary, NodeStatus } from './artifacts/node-result.js';
export type { RunEvent } from './run/results.js';
export { parseVars } from './project/parse-vars.js';
export { generateDocs, type GeneratedDocs } from './docs/generate-docs.js';
export { serveDocs } from './docs/serve-docs.js';
export { loadState, type ProjectState } from './graph/state.js';
