/** What other workspace apps (benchmarks) may use: build the app as tests do. */
export { type AppDeps, buildApp } from './app.ts';
export { type ApiConfig, loadConfig } from './config.ts';
