//! Terminal output: colour decided once, everything rendered to `impl Write`.

pub mod list;
pub mod palette;
pub mod verdict;
