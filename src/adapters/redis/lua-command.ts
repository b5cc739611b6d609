import type { Redis } from 'ioredis';

/** Runs a Lua script on the connection: `keys` become KEYS, `args` ARGV. */
export type LuaCommand = (keys: readonly string[], args: readonly string[]) => Promise<unknown>;

type Callable = (...args: Array<string | number>) => Promise<unknown>;

/**
 * A Lua script as a command of the connection, so it is sent by its SHA1 (EVALSHA) and its text
 * only the first time on each socket; ioredis falls back to EVAL by itself when Redis has
 * forgotten it. Every user of a shared connection may ask for the commands it needs: a name is
 * defined once per connection, and never for two different scripts.
 */
export function luaCommand(redis: Redis, name: string, lua: string): LuaCommand {
  if (!/^cc[A-Za-z]+$/.test(name)) throw new Error(`Lua command name ${name}: must be cc followed by letters`);
  // ioredis keeps the scripts defined on a connection in `scriptsSet`.
  const known = (redis.scriptsSet as Record<string, { lua: string } | undefined>)[name];
  if (known === undefined) {
    redis.defineCommand(name, { lua });
  } else if (known.lua !== lua) {
    throw new Error(`Lua command ${name} is already defined on this connection with another script`);
  }
  const run = (redis as unknown as Record<string, Callable>)[name]!;
  return (keys, args) => run.call(redis, keys.length, ...keys, ...args);
}
