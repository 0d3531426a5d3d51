import fs from "node:fs";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {RUNTIME_OPTIONS, resolveOverrides} from "../../electron/core/config/runtime-config.js";
import {startApiHarness, type ApiHarness} from "../helpers/api-server.js";

const OPS = path.resolve(__dirname, "../../docs/operations");
const dashboard = JSON.parse(fs.readFileSync(path.join(OPS, "grafana-dashboard.json"), "utf8"));
const unit = fs.readFileSync(path.join(OPS, "deskside.service"), "utf8");

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: {uid: string};
  targets?: {expr: string; refId: string; datasource?: {uid: string}}[];
}
const panels: Panel[] = dashboard.panels;
const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({panel: p.title, expr: t.expr})));

/** `# TYPE name kind` lines of a Prometheus exposition. */
function exportedTypes(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

let h: ApiHarness;
let types: Map<string, string>;
let exposition: string;

beforeAll(async () => {
  h = await startApiHarness();
  // Traffic of every kind the dashboard charts: a generation, an error, a search.
  const model = h.core.engine.status().model!.id;
  await h.call("/v1/chat/completions", {method: "POST", headers: {"content-type": "application/json"}, body: JSON.stringify({model, messages: [{role: "user", content: "hi"}], max_tokens: 4})});
  expect((await h.call("/api/no-such-route")).status).toBe(404);
  expect((await h.call("/api/search", {method: "POST", headers: {"content-type": "application/json"}, body: "{}"})).status).toBe(400);
  exposition = await (await h.call("/metrics")).text();
  types = exportedTypes(exposition);
});
afterAll(async () => {
  await h?.close();
});

describe("Grafana dashboard", () => {
  it("queries only metrics the server exports, with suffixes that match their type", () => {
    expect(queries.length).toBeGreaterThan(10);
    for (const {panel, expr} of queries) {
      const names = [...expr.matchAll(/\b(deskside_[a-z_]+)/g)].map((m) => m[1]);
      expect(names.length, panel).toBeGreaterThan(0);
      for (const name of names) {
        const histogram = name.match(/^(.*)_(bucket|sum|count)$/);
        if (histogram && types.get(histogram[1]) === "histogram") continue;
        expect(types.has(name), `${panel}: ${name} is not exported`).toBe(true);
        expect(types.get(name), `${panel}: ${name} is charted as a plain series`).not.toBe("histogram");
        // rate() of a gauge is meaningless; a counter is only useful through rate()/increase().
        if (types.get(name) === "counter") expect(expr, `${panel}: ${name}`).toMatch(new RegExp(`(rate|increase)\\(${name}[{\\[]`));
        if (types.get(name) === "gauge") expect(expr, `${panel}: ${name}`).not.toMatch(new RegExp(`rate\\(${name}`));
      }
      // Quantiles need the bucket boundaries kept.
      if (expr.includes("histogram_quantile")) expect(expr, panel).toMatch(/by \([^)]*\ble\b/);
    }
  });

  it("charts every metric the server exports", () => {
    const charted = new Set(queries.flatMap(({expr}) => [...expr.matchAll(/\b(deskside_[a-z_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, ""))));
    const exported = [...types.keys()].filter((n) => n.startsWith("deskside_"));
    expect(exported.length).toBeGreaterThanOrEqual(8);
    for (const name of exported) expect(charted.has(name), `${name} has no panel`).toBe(true);
  });

  it("covers what an operator asks for: request rate, latency percentiles, tokens/s, queue, imports, errors by code", () => {
    const all = queries.map((q) => q.expr).join("\n");
    expect(all).toMatch(/histogram_quantile\(0\.95, sum by \(le\) \(rate\(deskside_http_request_duration_seconds_bucket/);
    expect(all).toMatch(/histogram_quantile\(0\.99/);
    expect(all).toMatch(/sum by \(code\) \(rate\(deskside_http_errors_total/);
    expect(all).toContain("deskside_engine_queue_depth");
    expect(all).toMatch(/rate\(deskside_generated_tokens_total/);
    expect(all).toMatch(/rate\(deskside_imported_files_total/);
  });

  it("is importable: unique panel ids, a grid position each, one datasource input used everywhere", () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p).toHaveProperty("gridPos");
    expect(dashboard.__inputs.map((i: {name: string}) => i.name)).toEqual(["DS_PROMETHEUS"]);
    for (const p of panels.filter((p) => p.type !== "row")) {
      expect(p.datasource?.uid, p.title).toBe("${DS_PROMETHEUS}");
      for (const t of p.targets ?? []) expect(t.datasource?.uid).toBe("${DS_PROMETHEUS}");
    }
  });
});

describe("the errors-by-code metric", () => {
  it("counts error answers by route and stable code", () => {
    expect(exposition).toMatch(/deskside_http_errors_total\{route="unmatched",code="NOT_FOUND"\} 1/);
    expect(exposition).toMatch(/deskside_http_errors_total\{route="\/api\/search",code="INVALID_INPUT"\} 1/);
  });
});

describe("systemd unit", () => {
  const lines = unit.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
  const entries = lines.filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const);

  it("starts the built server with flags and variables the server knows", () => {
    const exec = entries.find(([k]) => k === "ExecStart")![1].split(/\s+/);
    expect(exec.slice(0, 2)).toEqual(["/usr/bin/node", "dist-electron/serve.js"]);
    const flags = exec.slice(2).filter((a) => a.startsWith("--"));
    const known = new Set(RUNTIME_OPTIONS.map((o) => `--${o.flag}`));
    for (const flag of flags) expect(known.has(flag.split("=")[0]), flag).toBe(true);
    expect(() => resolveOverrides(exec.slice(2), {})).not.toThrow();
    const env = Object.fromEntries(entries.filter(([k]) => k === "Environment").map(([, v]) => v.split("=") as [string, string]));
    const knownEnv = new Set(RUNTIME_OPTIONS.map((o) => o.env));
    // Besides the server's own variables, glibc's allocator settings, which it reads at process start.
    for (const name of Object.keys(env)) expect(knownEnv.has(name) || /^MALLOC_[A-Z_]+$/.test(name), name).toBe(true);
    for (const [name, value] of Object.entries(env)) if (name.startsWith("MALLOC_")) expect(value, name).toMatch(/^\d+$/);
    // The state folder it writes is the one the hardening leaves writable.
    expect(entries.find(([k]) => k === "ReadWritePaths")![1]).toBe(env.DESKSIDE_DATA_DIR);
    expect(resolveOverrides(exec.slice(2), env)).toMatchObject({port: 3375, dataDir: "/var/lib/deskside", host: "127.0.0.1"});
  });

  it("has the three sections systemd needs and restarts on failure", () => {
    expect(lines.filter((l) => /^\[(Unit|Service|Install)\]$/.test(l))).toEqual(["[Unit]", "[Service]", "[Install]"]);
    expect(entries).toContainEqual(["Restart", "on-failure"]);
    expect(entries).toContainEqual(["WantedBy", "multi-user.target"]);
  });
});
