import{createRequire as __ocRequire}from'node:module';import{fileURLToPath as __ocPath}from'node:url';import{dirname as __ocDirname}from'node:path';const require=__ocRequire(import.meta.url);const __filename=__ocPath(import.meta.url);const __dirname=__ocDirname(__filename);
var R=["CREATE OR REPLACE MACRO trino_element_at(m, k) AS m[k]"];export{R as a};
