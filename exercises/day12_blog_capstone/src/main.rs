//! The blog capstone: you build this service from the specification in README.md.
//!
//! Nothing here is yours to keep: replace this file, add the modules you design, and run
//! `backlings run 12` (or save while `backlings` watches) to test your service from outside.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!(
        "the blog is not built yet: exercises/day12_blog_capstone/README.md is its specification"
    );
    ExitCode::FAILURE
}
