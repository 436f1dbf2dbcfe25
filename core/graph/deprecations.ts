import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { declarationAt } from '../project/node-location.js';
import type { ExternalNode, Project, ProjectNode } from '../project/types.js';
import type { RefCall } from '../template/parse-scope.js';

// Deprecation warnings worded as dbt's events (DeprecatedModel, DeprecatedReference,
// UpcomingReferenceDeprecation): a model's version is named only when it has one, and the way to
// the latest version only when a versioned ref is not on it.

/** What a deprecation warning names of the model referred to. */
export interface DeprecatedTarget {
  package: string;
  name: string;
  version?: string | number | undefined;
  /** Its latest version, for a versioned model. */
  latestVersion?: string | number | undefined;
  deprecationDate?: string | undefined;
}

/** Whether a deprecation date (`YYYY-MM-DD` or a timestamp) has passed. */
export function isPast(date: string, now = new Date()): boolean {
  const at = Date.parse(date);
  return !Number.isNaN(at) && at < now.getTime();
}

const versionSuffix = (version: string | number | undefined) => (version === undefined ? '' : `.v${version}`);

/** A model that refers to a model with a deprecation date: warned as dbt does, for models only. */
export function referenceDeprecation(from: ProjectNode, target: DeprecatedTarget, ref: RefCall, now = new Date()): Diagnostic | undefined {
  const date = target.deprecationDate;
  if (!date || from.resourceType !== 'model') return undefined;
  const past = isPast(date, now);
  let message = `While compiling '${from.name}': Found a reference to ${target.name}${versionSuffix(target.version)}, ${
    past ? 'which was deprecated on' : 'which is slated for deprecation on'
  } '${date}'. `;
  if (target.version !== undefined && target.latestVersion !== undefined && String(target.version) !== String(target.latestVersion))
    message += `A new version of '${target.name}' is available. ${past ? 'Migrate now' : 'Try it out'}: {{ ref('${target.package}', '${target.name}', v='${target.latestVersion}') }}.`;
  return diagnostic(past ? 'deprecated-ref' : 'upcoming-deprecation', message.trimEnd(), ref.at);
}

/** Models past their own deprecation date (dbt's DeprecatedModel), at their declaration. */
export function modelDeprecations(project: Pick<Project, 'nodes'>, now = new Date()): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const node of project.nodes.values()) {
    const date = node.deprecationDate;
    if (node.resourceType !== 'model' || !date || !isPast(date, now)) continue;
    out.push(
      diagnostic(
        'deprecated-model',
        `Model ${node.name}${versionSuffix(node.version)} has passed its deprecation date of ${date}. This model should be disabled or removed.`,
        declarationAt(node),
      ),
    );
  }
  return out;
}

/** A model of this project (or an installed package) as a deprecation warning names it. */
export function nodeTarget(project: Pick<Project, 'nodes'>, node: ProjectNode): DeprecatedTarget {
  const latest =
    node.version === undefined ? undefined : [...project.nodes.values()].find((n) => n.name === node.name && n.latest)?.version;
  return {
    package: node.packageName,
    name: node.name,
    version: node.version,
    latestVersion: latest,
    deprecationDate: node.deprecationDate,
  };
}

/** An upstream project's model as a deprecation warning names it. */
export function externalTarget(project: Pick<Project, 'externals'>, external: ExternalNode): DeprecatedTarget {
  const latest =
    external.version === undefined
      ? undefined
      : [...project.externals.values()].find((e) => e.project === external.project && e.name === external.name && e.latest)?.version;
  return {
    package: external.project,
    name: external.name,
    version: external.version,
    latestVersion: latest,
    deprecationDate: external.deprecationDate,
  };
}
