// validate.js SCHEMA DOCUMENT — validates a JSON document against a JSON
// Schema with ajv.  Draft-04 schemas (SARIF 2.1.0) go through ajv-draft-04,
// everything else through ajv's default draft-07 engine; formats come from
// ajv-formats.  Exit 0 valid, 1 invalid (errors on stderr), 2 usage/IO.
'use strict';
const fs = require('fs');
const path = require('path');

function main() {
  const [schemaPath, docPath] = process.argv.slice(2);
  if (!schemaPath || !docPath) {
    console.error('usage: node validate.js SCHEMA DOCUMENT');
    return 2;
  }
  let schema, doc;
  try {
    schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
    doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));
  } catch (e) {
    console.error(`${e.message}`);
    return 2;
  }
  const draft4 = /draft-04/.test(schema.$schema || '');
  const Ajv = draft4 ? require('ajv-draft-04') : require('ajv');
  const addFormats = require('ajv-formats');
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (validate(doc)) {
    console.log(`${path.basename(docPath)}: valid against ${path.basename(schemaPath)}`);
    return 0;
  }
  for (const err of validate.errors.slice(0, 20))
    console.error(`${path.basename(docPath)}: ${err.instancePath || '/'} ${err.message} ${JSON.stringify(err.params)}`);
  return 1;
}
process.exitCode = main();
