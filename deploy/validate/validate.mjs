// Offline schema validation of Kubernetes and Knative (Cloud Run) manifests, with the OpenAPI schemas
// bundled in the kubernetes-models packages: no cluster and no network needed.
// Usage: node validate.mjs FILE.yaml...   Exit 0 when every document is valid, 1 otherwise.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// apiVersion -> module of kubernetes-models that holds its kinds
function moduleFor(apiVersion) {
  if (apiVersion.endsWith(".knative.dev") || apiVersion.includes(".knative.dev/")) {
    return `@kubernetes-models/knative/${apiVersion}`;
  }
  return `kubernetes-models/${apiVersion}`;
}

let failures = 0;
let checked = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) {
      console.error(`INVALID ${file}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue; // empty document
    const where = `${file}: ${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
    if (!obj.apiVersion || !obj.kind) {
      console.error(`INVALID ${where}: apiVersion and kind are required`);
      failures++;
      continue;
    }
    let Model;
    try {
      Model = (await import(`${moduleFor(obj.apiVersion)}/${obj.kind}`))[obj.kind];
    } catch (e) {
      console.error(`INVALID ${where}: no schema for ${obj.apiVersion} ${obj.kind}`);
      failures++;
      continue;
    }
    try {
      new Model(obj).validate();
      checked++;
      console.log(`ok      ${where}`);
    } catch (e) {
      const details = (e.errors ?? []).map((x) => `${x.instancePath || "/"} ${x.message}${x.params?.additionalProperty ? ` (${x.params.additionalProperty})` : ""}`);
      console.error(`INVALID ${where}: ${details.length ? details.join("; ") : e.message}`);
      failures++;
    }
  }
}
console.log(`schema: ${checked} valid, ${failures} invalid`);
process.exit(failures ? 1 : 0);
