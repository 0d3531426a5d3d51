// `npm test`: every suite (core, core under load, renderer components, end-to-end in Chromium), then one closing
// line "N passed, N failed" summing them all.
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {ROOT, ensureDependencies, ensureRendererBuilt} from "./lib/setup.mjs";

await ensureDependencies();
ensureRendererBuilt();

const outDir = path.join(ROOT, "test-results");
fs.mkdirSync(outDir, {recursive: true});
const projects = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const suites = projects.length ? projects : ["core", "load", "renderer", "e2e"];

let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;
const lines = [];
// Failed tests are named again next to the closing summary, so a log cut to its last lines still says what failed.
const failures = [];
for (const suite of suites) {
  const report = path.join(outDir, `${suite}.json`);
  fs.rmSync(report, {force: true});
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--project", suite, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], {cwd: ROOT, stdio: "inherit", env: process.env.CI ? {...process.env, FORCE_COLOR: "0"} : process.env});
  let counts = {passed: 0, failed: 0, skipped: 0};
  if (fs.existsSync(report)) {
    const json = JSON.parse(fs.readFileSync(report, "utf8"));
    counts = {passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + (json.numTodoTests ?? 0)};
    // A file that failed to load has no tests counted; count it as one failure so it is not lost.
    const brokenFiles = (json.testResults ?? []).filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
    counts.failed += brokenFiles;
    for (const file of json.testResults ?? []) {
      const where = path.relative(ROOT, file.name);
      if (file.status === "failed" && file.assertionResults.length === 0) failures.push(`${suite}: ${where}: ${firstLine(file.message)}`);
      for (const test of file.assertionResults ?? []) {
        if (test.status === "failed") failures.push(`${suite}: ${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
      }
    }
  } else if (result.status !== 0) {
    counts.failed = 1;
  }
  if (result.status !== 0) exitCode = 1;
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
  lines.push(`${suite}: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ""}`);
}
console.log("");
if (failures.length) {
  console.log("Failed:");
  for (const line of failures) console.log(`  ${line}`);
}
for (const line of lines) console.log(line);
if (failed > 0) exitCode = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(exitCode);

function firstLine(text) {
  return String(text ?? "").split("\n").find((l) => l.trim())?.trim().slice(0, 300) ?? "";
}
