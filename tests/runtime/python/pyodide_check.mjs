// Runs this directory's Python tests inside Pyodide (Python 3.14, WebAssembly)
// under Node, plus a Worker round trip whose rpc is implemented in JavaScript,
// as the Durable Lab host implements it.
//
//   node tests/runtime/python/pyodide_check.mjs
//
// Uses the npm package `pyodide` (a dependency); PYODIDE_MODULE may point at
// another pyodide.mjs. The last line is "pyodide-check: N passed, F failed"
// (scripts/run-tests.mjs reads it).
// The package files are copied into Pyodide's in-memory FS: web/python/* into
// site-packages (so `import temporalio` works), these tests into /home/pyodide.
// The asyncio-based unittest cases (IsolatedAsyncioTestCase) need a blocking
// event loop runner that Pyodide's WebLoop does not have; they run on CPython,
// and the round trip below covers the Worker's async path in Pyodide.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../../..");
const spec = process.env.PYODIDE_MODULE ? pathToFileURL(process.env.PYODIDE_MODULE).href : "pyodide";
const { loadPyodide } = await import(spec);

function copyTree(py, from, to) {
  py.FS.mkdirTree(to);
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name === "__pycache__") continue;
    const src = path.join(from, entry.name);
    const dst = `${to}/${entry.name}`;
    if (entry.isDirectory()) copyTree(py, src, dst);
    else if (entry.name.endsWith(".py")) py.FS.writeFile(dst, fs.readFileSync(src));
  }
}

let failures = 0;
const t0 = Date.now();
const py = await loadPyodide();
const loadMs = Date.now() - t0;
const version = py.runPython("import sys; sys.version.split()[0]");
const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
copyTree(py, path.join(repo, "web/python"), sitePackages);
copyTree(py, here, "/home/pyodide");
// The MCP tests read the chapter's and the currency lab's files at their repository paths (_support.ROOT is "/" here).
for (const dir of ["web/src/workspace/chapter", "labs/07-currency-exercise/starter", "labs/07-currency-exercise/solution"]) copyTree(py, path.join(repo, dir), `/${dir}`);

// 1. The synchronous suites: workflow instance, determinism, deadlock, conversion, MCP server library.
const unit = JSON.parse(await py.runPythonAsync(`
import io, json, unittest
names = ["test_converter", "test_invoice_workflow", "test_workflow_semantics",
         "test_mcp_schema", "test_mcp_tools", "test_mcp_host", "test_mcp_currency_lab"]
stream = io.StringIO()
result = unittest.TextTestRunner(stream=stream, verbosity=1).run(unittest.defaultTestLoader.loadTestsFromNames(names))
json.dumps({"run": result.testsRun, "failed": len(result.failures) + len(result.errors), "log": stream.getvalue()})
`));
if (unit.failed) console.log(unit.log);
console.log(`unittest in Pyodide ${version}: ${unit.run} run, ${unit.failed} failed`);
failures += unit.failed;

// 2. The chapter's worker cell in Pyodide with a JavaScript rpc and the FakeCore.
const b64 = (s) => Buffer.from(s).toString("base64");
const payload = (v) => ({ metadata: { encoding: b64("json/plain") }, data: b64(JSON.stringify(v)) });
const decode = (p) => JSON.parse(Buffer.from(p.data, "base64").toString());
const calls = [];
const cancelled = [];
const waiting = new Map();
const scripted = {
  PollWorkflowTaskQueue: [{
    taskToken: "wt1",
    activation: { runId: "run-1", timestamp: "2026-01-01T00:00:00Z", isReplaying: false, jobs: [
      { initializeWorkflow: { workflowType: "InvoiceWorkflow", workflowId: "invoice-1", randomnessSeed: "5",
        arguments: [payload({ lines: [{ description: "Widget A", amount: 100 }] })] } },
      { signalWorkflow: { signalName: "ApproveInvoice", input: [] } }] },
  }],
  PollActivityTaskQueue: [{
    taskToken: b64("at1"), activityType: { name: "payment_gateway" }, activityId: "1", attempt: 1,
    input: { payloads: [payload({ description: "Widget A", amount: 100 })] },
    workflowExecution: { workflowId: "invoice-1", runId: "run-1" }, workflowType: { name: "InvoiceWorkflow" },
  }],
};
py.globals.set("js_rpc", {
  call(method, requestJson, callId) {
    calls.push([method, JSON.parse(requestJson)]);
    const next = method.startsWith("Poll") ? scripted[method]?.shift() : {};
    if (next) return Promise.resolve(JSON.stringify({ response: next }));
    return new Promise((resolve) => waiting.set(callId, resolve)); // a long poll with nothing to hand out
  },
  cancel(callId) {
    cancelled.push(callId);
    waiting.get(callId)?.(JSON.stringify({ error: { code: "CANCELLED", message: "aborted" } }));
  },
});
py.globals.set("js_methods", () => JSON.stringify(calls.map((c) => c[0])));
const state = await py.runPythonAsync(`
import asyncio, json
from temporalio._internal import host
from fakes import FakeCore
host.install(rpc=js_rpc, core_factory=FakeCore)
from chapter_cells import run_worker

worker = asyncio.create_task(run_worker())   # In [32]
for _ in range(500):
    await asyncio.sleep(0.01)
    methods = json.loads(js_methods())
    if "RespondWorkflowTaskCompleted" in methods and "RespondActivityTaskCompleted" in methods:
        break
x = worker.cancel()                          # In [36]
try:
    await worker
except asyncio.CancelledError:
    pass
"cancelled" if worker.cancelled() else "still running"
`);
const find = (m) => calls.filter((c) => c[0] === m).map((c) => c[1]);
const wft = find("RespondWorkflowTaskCompleted")[0];
const act = find("RespondActivityTaskCompleted")[0];
const checks = {
  "worker task ends cancelled": state === "cancelled",
  "workflow task answered with the 2 s timer": wft?.commands?.[0]?.startTimer?.startToFireTimeout === "2s",
  "activity result is true": act !== undefined && decode(act.result.payloads[0]) === true,
  "all three long polls aborted through rpc.cancel": cancelled.length === 3,
};
let passed = unit.run - unit.failed;
for (const [name, ok] of Object.entries(checks)) {
  console.log(`${ok ? "ok  " : "FAIL"} worker round trip: ${name}`);
  if (ok) passed++;
  else failures++;
}
console.log(`pyodide load ${loadMs} ms, total ${Date.now() - t0} ms; ${failures ? "FAILED" : "all passed"}`);
console.log(`pyodide-check: ${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
