#!/usr/bin/env node
import { processIo, runCli } from './program.js';

process.exitCode = await runCli(process.argv, processIo());
