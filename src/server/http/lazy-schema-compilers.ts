import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

// Fastify's own copies, resolved from fastify itself: they are its dependencies, not ours.
const fromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

type Builder = (...args: unknown[]) => unknown;
const builders = new Map<string, Builder>();

/** The package's builder (`AjvCompiler()`, `SerializerSelector()`), made on first use. */
function builder(name: string): Builder {
  let made = builders.get(name);
  if (!made) {
    made = (fromFastify(name) as () => Builder)();
    builders.set(name, made);
  }
  return made;
}

/**
 * Fastify's JSON-schema compilers (ajv, fast-json-stringify), required on the first route that
 * declares a schema instead of when the instance is created. Our routes parse with the protocol's
 * zod schemas and declare none, so a start no longer loads and sets up ajv (~40 ms before listening).
 */
export const lazySchemaCompilers = {
  compilersFactory: {
    buildValidator: (...args: unknown[]) => builder('@fastify/ajv-compiler')(...args),
    buildSerializer: (...args: unknown[]) => builder('@fastify/fast-json-stringify-compiler')(...args),
  },
} as unknown as NonNullable<FastifyServerOptions['schemaController']>;
