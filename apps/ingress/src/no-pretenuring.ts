import { setFlagsFromString } from 'node:v8';

// Imported first by main.ts, so that it runs before the app is built and takes load. V8 "pretenures" an allocation
// site (allocates its objects straight in the old generation) once most of its objects survived a young
// collection. Where the first collections fall made that call for some per-request sites in one ingress process in
// 5 to 17: their objects then died in the old generation and kept the young objects they point to alive until a
// full collection, and the process ran at ~1.4× the CPU per request with ~8× the full collections for its whole
// life (docs/operations.md, Ingress memory). The ingress' objects live for a request or for the whole process, so
// pretenuring has nothing to gain here. NODE_OPTIONS does not take this flag. In the built bundle the packages it
// imports are loaded before this runs; V8 decides only once the young generation has grown to its full size, which
// loading does not reach: traced under load, 8 processes of the bundle made no decision, against 1–6 each before.
setFlagsFromString('--no-allocation-site-pretenuring');
