//! Day 30: production-ready (solution).
//!
//! The shell every service needs around its API: configuration from the environment, liveness
//! and readiness probes, Prometheus metrics, JSON logs, and a graceful shutdown that lets the
//! requests in flight finish.

mod config;
mod logging;
mod metrics;
mod server;

pub use config::{Config, ConfigError};
pub use logging::{Level, Logger};
pub use metrics::{BUCKETS, InFlight, Metrics};
pub use server::{AppState, app, serve, shutdown_signal};
