export function unitAllocatorEnv(): Record<string, string>;
export function withAllocatorEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function allocatorEnvInEffect(env?: NodeJS.ProcessEnv): boolean;
