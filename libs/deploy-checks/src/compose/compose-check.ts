import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

import Ajv from 'ajv';
import { parse } from 'yaml';

/** One thing wrong with a deployment file: where, and what. */
export interface Problem {
  file: string;
  where: string;
  message: string;
}

type Json = Record<string, unknown>;

const require_ = createRequire(__filename);

/**
 * The Compose Specification's JSON schema as the npm package docker-compose
 * ships it (compose-go's copy, with top-level `name`, `include`, `models`).
 * Its `$schema` names draft-07 by an https address ajv does not know; the
 * schema is draft-07 either way, so the keyword is dropped.
 */
function composeValidator() {
  const { $schema: _ignored, ...schema } = require_('docker-compose/schema/compose-spec.json') as Json;
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

/** A compose file as Compose reads it: YAML with anchors and `<<` merge keys resolved. */
export function readComposeFile(file: string): Json {
  const doc: unknown = parse(readFileSync(file, 'utf8'), { merge: true });
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new Error(`${file}: not a YAML mapping`);
  }
  return doc as Json;
}

/** Schema errors of one compose file, each with its JSON pointer. */
export function composeSchemaProblems(file: string): Problem[] {
  const validate = composeValidator();
  if (validate(readComposeFile(file))) return [];
  return (validate.errors ?? []).map((error) => ({
    file,
    where: error.instancePath || '/',
    message: `${error.message ?? 'invalid'}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`,
  }));
}

/**
 * What a schema cannot see, on the files merged as `docker compose -f a -f b`
 * merges them (mappings merged, sequences appended): every depends_on names
 * a service, every named volume is declared, every bind mount exists, every
 * image has a pinned tag (not `latest`), every long-running service has a
 * healthcheck (its own, or its image's for the services built here).
 */
export function composeModelProblems(files: readonly string[]): Problem[] {
  const merged = files.map(readComposeFile).reduce<Json>((a, b) => mergeCompose(a, b) as Json, {});
  const file = files.join(' + ');
  const problems: Problem[] = [];
  const services = (merged.services ?? {}) as Record<string, Json>;
  const volumes = new Set(Object.keys(merged.volumes ?? {}));
  const base = dirname(resolve(files[0] ?? '.'));
  for (const [name, service] of Object.entries(services)) {
    const where = `/services/${name}`;
    const dependsOn = service.depends_on;
    const deps = Array.isArray(dependsOn) ? (dependsOn as string[]) : Object.keys(dependsOn ?? {});
    for (const dep of deps) {
      if (!(dep in services)) problems.push({ file, where, message: `depends_on names no service: ${dep}` });
    }
    for (const volume of (service.volumes ?? []) as unknown[]) {
      if (typeof volume !== 'string') continue;
      const source = volume.split(':')[0] ?? '';
      if (source.startsWith('.') || source.startsWith('/')) {
        if (!existsSync(resolve(base, source)))
          problems.push({ file, where, message: `bind mount source does not exist: ${source}` });
      } else if (!volumes.has(source)) {
        problems.push({ file, where, message: `named volume not declared under volumes: ${source}` });
      }
    }
    const image = typeof service.image === 'string' ? service.image : undefined;
    if (image !== undefined && !/:[\w][\w.-]*$/.test(image.split('/').pop() ?? '')) {
      problems.push({ file, where, message: `image has no tag: ${image}` });
    } else if (image?.endsWith(':latest')) {
      problems.push({ file, where, message: `image tag "latest" is not pinned: ${image}` });
    }
    const oneShot = service.restart === 'no';
    if (!oneShot && service.healthcheck === undefined) {
      problems.push({ file, where, message: 'no healthcheck: depends_on conditions cannot wait for it' });
    }
  }
  return problems;
}

function mergeCompose(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return [...(a as unknown[]), ...(b as unknown[])];
  if (isMapping(a) && isMapping(b)) {
    const out: Json = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = key in a ? mergeCompose(a[key], value) : value;
    return out;
  }
  return b;
}

function isMapping(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
