/**
 * Small builders shared by the monitor schemas (./monitor-schema.ts) and the config schema
 * (./schema.ts). Not part of the config's API: lib/config/index.ts does not re-export them.
 */
import * as z from 'zod/mini';

/** A custom issue in a superRefine, at an optional sub-path. */
type Ctx = Parameters<Parameters<typeof z.superRefine>[0]>[1];
export function fail(ctx: Ctx, message: string, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message, ...(path && { path }) });
}

/** A whole number within bounds, with the fix in each message. */
export function int(min: number, max?: number, unit = ''): z.ZodMiniNumber<number> {
  const atLeast = z.gte(min, `must be at least ${min}${unit}`);
  return max === undefined
    ? z.int().check(atLeast)
    : z.int().check(atLeast, z.lte(max, `must be at most ${max}${unit}`));
}

/** A string matching a pattern, else `message`. */
export function matching(re: RegExp, message: string): z.ZodMiniString<string> {
  return z.string().check(z.regex(re, message));
}
