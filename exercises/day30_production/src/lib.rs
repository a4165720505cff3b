//! Day 30: production-ready.
//!
//! The shell every service needs around its API: configuration from the environment, liveness
//! and readiness probes, Prometheus metrics, JSON logs, and a graceful shutdown that lets the
//! requests in flight finish. Read `README.md` first.

// Private items are unused until you write the bodies that use them; delete this line then.
#![allow(dead_code)]

mod config;
mod logging;
mod metrics;
mod server;

pub use config::{Config, ConfigError};
pub use logging::{Level, Logger};
pub use metrics::{BUCKETS, InFlight, Metrics};
pub use server::{AppState, app, serve, shutdown_signal};
