//! Cargo's JSON, as much of it as backlings reads: the lines of `--message-format json` (build
//! artifacts and compiler messages) and the document `cargo metadata --format-version 1`
//! prints. Fields not named here are ignored, so newer cargos parse too.

use std::path::PathBuf;

use serde::Deserialize;

/// One line of `--message-format json`.
#[derive(Debug, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Message {
    CompilerArtifact(Artifact),
    CompilerMessage(CompilerMessage),
    #[serde(other)]
    Other,
}

impl Message {
    /// The message on one line of cargo's stdout; `None` for a line that is not one.
    pub fn parse(line: &str) -> Option<Message> {
        serde_json::from_str(line).ok()
    }
}

/// A target cargo finished building.
#[derive(Debug, Deserialize)]
pub struct Artifact {
    pub manifest_path: PathBuf,
    pub target: Target,
    pub profile: Profile,
    /// The test executable, for a target built for testing.
    pub executable: Option<PathBuf>,
}

/// A message from the compiler (or clippy) about a package.
#[derive(Debug, Deserialize)]
pub struct CompilerMessage {
    /// The manifest of the package the message is about (cargo always sends it).
    #[serde(default)]
    pub manifest_path: PathBuf,
    pub message: Diagnostic,
}

/// rustc's JSON diagnostic.
#[derive(Debug, Deserialize)]
pub struct Diagnostic {
    /// `error`, `warning`, `note`, ...
    pub level: String,
    pub message: String,
    /// The error code or lint, e.g. `E0308`, `clippy::needless_return`.
    pub code: Option<Code>,
    /// The message as rustc prints it (with colour under `json-diagnostic-rendered-ansi`).
    pub rendered: Option<String>,
    #[serde(default)]
    pub spans: Vec<Span>,
}

impl Diagnostic {
    /// The span the diagnostic is about.
    pub fn primary_span(&self) -> Option<&Span> {
        self.spans.iter().find(|s| s.is_primary)
    }
}

#[derive(Debug, Deserialize)]
pub struct Code {
    pub code: String,
}

/// A place in the code, 1-based; `file_name` is relative to the workspace root.
#[derive(Debug, Deserialize)]
pub struct Span {
    pub file_name: String,
    pub line_start: u32,
    pub column_start: u32,
    pub is_primary: bool,
}

#[derive(Debug, Deserialize)]
pub struct Target {
    pub name: String,
    /// `lib`, `bin`, `test`, `custom-build`, ...
    #[serde(default)]
    pub kind: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Profile {
    /// Built for testing (a test executable, or a library's unit tests).
    pub test: bool,
}

/// What `cargo metadata --format-version 1` prints, as much as the warm-up reads.
#[derive(Debug, Deserialize)]
pub struct Metadata {
    pub packages: Vec<Package>,
    pub resolve: Resolve,
    /// Package ids.
    pub workspace_members: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Package {
    pub id: String,
    pub name: String,
    pub targets: Vec<Target>,
}

/// The resolved dependency graph.
#[derive(Debug, Deserialize)]
pub struct Resolve {
    pub nodes: Vec<Node>,
}

/// A package and the packages it depends on.
#[derive(Debug, Deserialize)]
pub struct Node {
    pub id: String,
    pub deps: Vec<NodeDep>,
}

#[derive(Debug, Deserialize)]
pub struct NodeDep {
    /// The dependency's package id.
    pub pkg: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_artifacts_messages_and_skips_the_rest() {
        let artifact = r#"{"reason":"compiler-artifact","manifest_path":"/c/a/Cargo.toml","target":{"name":"a","kind":["lib"],"src_path":"/c/a/src/lib.rs"},"profile":{"test":false,"opt_level":"0"},"executable":null,"fresh":true}"#;
        let Some(Message::CompilerArtifact(a)) = Message::parse(artifact) else {
            panic!("an artifact");
        };
        assert_eq!(
            (a.target.name.as_str(), a.target.kind.as_slice()),
            ("a", &["lib".to_string()][..])
        );
        let message = r#"{"reason":"compiler-message","manifest_path":"/c/a/Cargo.toml","message":{"level":"error","message":"m","code":{"code":"E0308"},"spans":[{"file_name":"a/src/lib.rs","line_start":2,"column_start":3,"is_primary":true}]}}"#;
        let Some(Message::CompilerMessage(m)) = Message::parse(message) else {
            panic!("a compiler message");
        };
        let span = m.message.primary_span().unwrap();
        assert_eq!((span.line_start, span.column_start), (2, 3));
        assert!(matches!(
            Message::parse(r#"{"reason":"build-finished","success":true}"#),
            Some(Message::Other)
        ));
        assert!(Message::parse("   Compiling a").is_none());
    }

    #[test]
    fn reads_cargo_metadata() {
        let text = r#"{"packages":[{"id":"a 0.1.0","name":"a","targets":[{"name":"build-script-build","kind":["custom-build"]}]}],"resolve":{"nodes":[{"id":"a 0.1.0","deps":[{"pkg":"b 1.0.0","name":"b"}]}],"root":null},"workspace_members":["a 0.1.0"],"version":1}"#;
        let metadata: Metadata = serde_json::from_str(text).unwrap();
        assert_eq!(metadata.packages[0].targets[0].kind, ["custom-build"]);
        assert_eq!(metadata.resolve.nodes[0].deps[0].pkg, "b 1.0.0");
    }
}
