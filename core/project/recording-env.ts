/**
 * An environment that remembers which variables were read, so a cached result can say which
 * env vars it depends on (`env_var()` in templates and YAML, profile search variables, HOME).
 */
export function recordingEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; read: Map<string, string | null> } {
  const read = new Map<string, string | null>();
  const note = (name: string | symbol) => {
    if (typeof name === 'string' && !read.has(name)) read.set(name, env[name] ?? null);
  };
  const proxy = new Proxy(env, {
    get(target, name) {
      note(name);
      return Reflect.get(target, name);
    },
    has(target, name) {
      note(name);
      return Reflect.has(target, name);
    },
  });
  return { env: proxy, read };
}
