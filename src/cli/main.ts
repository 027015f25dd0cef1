#!/usr/bin/env node
import module from 'node:module';

// V8's compiled code of the modules is kept on disk (in the OS's temporary directory, or where
// NODE_COMPILE_CACHE says; NODE_DISABLE_COMPILE_CACHE=1 turns it off), so a later run skips
// compiling them: the CLI loads several megabytes of JavaScript (the AWS SDK, the transpiler,
// ECharts for the local dashboard), which costs most of a second per command otherwise. The
// modules are imported after it is on.
module.enableCompileCache?.();
const { processIo } = await import('./io.js');
const { runCli } = await import('./program.js');

process.exitCode = await runCli(process.argv, processIo());
