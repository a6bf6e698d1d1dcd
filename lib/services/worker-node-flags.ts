/**
 * Node flags the IoT worker runs with (scripts/start.ts, the benchmarks; package.json's "worker"
 * script repeats them). Every telemetry message is a handful of short-lived objects: with V8's
 * default young generation the worker spent a quarter of its CPU in garbage collection at 14,000
 * messages/s; 64 MB semi-spaces took that to a sixth (bench:ingest with --cpu-prof).
 */
export const WORKER_NODE_FLAGS = ["--max-semi-space-size=64"];
