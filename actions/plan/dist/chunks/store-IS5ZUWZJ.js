import{createRequire as __ocRequire}from'node:module';import{fileURLToPath as __ocPath}from'node:url';import{dirname as __ocDirname}from'node:path';const require=__ocRequire(import.meta.url);const __filename=__ocPath(import.meta.url);const __dirname=__ocDirname(__filename);
import{l as a,m as b}from"./chunk-3HEDZJXN.js";import"./chunk-CE5E54SS.js";export{a as DEFAULT_LOCAL_DIR,b as LocalStore};
