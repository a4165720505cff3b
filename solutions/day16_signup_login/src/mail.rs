//! A fake mail sender that keeps what it sends (given, complete).

use std::sync::{Arc, Mutex};

/// One message that would have been sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
}

/// Collects sent emails in memory; a real service would hand them to an SMTP relay.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    sent: Arc<Mutex<Vec<Email>>>,
}

impl Outbox {
    /// "Sends" a message.
    pub fn send(&self, to: &str, subject: &str) {
        self.sent.lock().unwrap().push(Email {
            to: to.to_string(),
            subject: subject.to_string(),
        });
    }

    /// Everything sent so far, oldest first.
    pub fn sent(&self) -> Vec<Email> {
        self.sent.lock().unwrap().clone()
    }
}
