/**
 * Remembers which methods each route path answers, so a known path called with the wrong method
 * gets 405 and an Allow header instead of 404. Catch-all routes (static files) are left out.
 */
export class MethodRegistry {
  private readonly routes: {pattern: RegExp; methods: Set<string>}[] = [];

  add(url: string, methods: string | string[]): void {
    if (url.includes("*")) return;
    const source = url
      .split("/")
      .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    const pattern = new RegExp(`^${source}/?$`);
    const existing = this.routes.find((r) => r.pattern.source === pattern.source);
    const list = Array.isArray(methods) ? methods : [methods];
    if (existing) for (const m of list) existing.methods.add(m.toUpperCase());
    else this.routes.push({pattern, methods: new Set(list.map((m) => m.toUpperCase()))});
  }

  allowed(path: string): string[] {
    const out = new Set<string>();
    for (const route of this.routes) if (route.pattern.test(path)) for (const m of route.methods) out.add(m);
    return [...out].sort();
  }
}
