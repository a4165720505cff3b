//! Terminal output: colour decided once, everything rendered to `impl Write`.

pub mod fit;
pub mod list;
pub mod marks;
pub mod palette;
pub mod text;
pub mod verdict;

/// `println!` that hands back the write error instead of panicking: with stdout closed early
/// (`backlings list | head`) the command must end quietly, not crash.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)
    }};
}

/// `print!` that hands back the write error; see `outln!`.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout();
        write!(stdout, $($arg)*).and_then(|()| stdout.flush())
    }};
}
