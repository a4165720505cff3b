//! Day 30: production-ready.
//!
//! The shell every service needs around its API: configuration from the environment, liveness
//! and readiness probes, Prometheus metrics, JSON logs, and a graceful shutdown that lets the
//! requests in flight finish. Read `README.md` first: the contracts below and the tests are
//! your spec; how you split the work into modules and types is yours to decide.

mod config;
mod server;

pub use config::{Config, ConfigError, Level};
pub use server::{AppState, app, serve};
