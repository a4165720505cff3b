//! Day 13: transactions under concurrency.
//!
//! A tiny bank on a SQLite file. Many threads, each with its own connection, move money at the
//! same time; no money may be created or destroyed, no balance may go below zero, and every
//! transfer that happened must be in the ledger. Read `README.md` first.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

/// The bank's schema. `CREATE ... IF NOT EXISTS` because every connection runs it, and the
/// `CHECK` is a last line of defence: even buggy code cannot store a negative balance.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS accounts (
    id      INTEGER PRIMARY KEY,
    owner   TEXT NOT NULL,
    balance INTEGER NOT NULL CHECK (balance >= 0)
);
CREATE TABLE IF NOT EXISTS transfers (
    id           INTEGER PRIMARY KEY,
    from_account INTEGER NOT NULL REFERENCES accounts (id),
    to_account   INTEGER NOT NULL REFERENCES accounts (id),
    amount       INTEGER NOT NULL CHECK (amount > 0)
);
";

/// How long a connection waits for another one's write lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// One line of the ledger: `amount` cents moved from one account to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub id: i64,
    pub from: i64,
    pub to: i64,
    pub amount: i64,
}

/// Why a transfer did not happen. After any of these, nothing has changed.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// Amounts are whole cents above zero.
    #[error("{0} is not a valid amount")]
    InvalidAmount(i64),
    /// Moving money from an account to itself is refused.
    #[error("cannot transfer from an account to itself")]
    SameAccount,
    /// No account has this id.
    #[error("there is no account {0}")]
    UnknownAccount(i64),
    /// The account holds less than the amount.
    #[error("account {account} holds {balance}, less than {amount}")]
    InsufficientFunds {
        account: i64,
        balance: i64,
        amount: i64,
    },
    /// Any other database error (including a lock that stayed busy past the timeout).
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
}

/// One connection to the bank's database file.
pub struct Bank {
    conn: Connection,
}

impl Bank {
    /// Opens (or creates) the bank at `path` with settings for concurrent use: a busy timeout of
    /// `BUSY_TIMEOUT`, `journal_mode` WAL, `synchronous` NORMAL, foreign keys on, and `SCHEMA`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, rusqlite::Error> {
        // TODO: a connection to `path` with the settings above, and `SCHEMA` created.
        let _ = path.as_ref();
        todo!("open the bank's database")
    }

    /// Opens an account with an initial balance (in cents, at least 0) and returns its id.
    pub fn open_account(&self, owner: &str, initial: i64) -> Result<i64, rusqlite::Error> {
        // TODO: store the account and return its id.
        let _ = (&self.conn, owner, initial);
        todo!("open an account")
    }

    /// The balance of an account, or `None` if it does not exist.
    pub fn balance(&self, account: i64) -> Result<Option<i64>, rusqlite::Error> {
        // TODO: the account's balance, or `None` for an unknown account.
        let _ = account;
        todo!("read a balance")
    }

    /// The sum of all balances.
    pub fn total(&self) -> Result<i64, rusqlite::Error> {
        // TODO: the sum of every balance; 0 when there are no accounts.
        todo!("add up the balances")
    }

    /// Moves `amount` cents from one account to another and records it in the ledger (the
    /// `transfers` table), all in one transaction.
    ///
    /// Checked in this order: `InvalidAmount` (not above 0), `SameAccount`, `UnknownAccount`
    /// (the source, then the destination), `InsufficientFunds`. After an error nothing changed.
    ///
    /// Other connections may transfer at the same time: a transfer waits for them (up to
    /// `BUSY_TIMEOUT`) instead of failing, and its checks see their committed results.
    pub fn transfer(&mut self, from: i64, to: i64, amount: i64) -> Result<(), TransferError> {
        // TODO: the rules above: the checks, then the debit, the credit and the ledger line.
        let _ = (from, to, amount);
        todo!("transfer money in one transaction")
    }

    /// Applies several `(from, to, amount)` transfers in order, all or nothing: if one fails,
    /// its error is returned and none of them happened. A later transfer may spend money that
    /// an earlier one in the batch brought in.
    pub fn transfer_batch(&mut self, transfers: &[(i64, i64, i64)]) -> Result<(), TransferError> {
        // TODO: every transfer of the batch by the rules of `transfer`, together or not at all.
        let _ = transfers;
        todo!("apply a batch of transfers atomically")
    }

    /// Every ledger entry that involves `account` (as source or destination), oldest first.
    pub fn ledger(&self, account: i64) -> Result<Vec<LedgerEntry>, rusqlite::Error> {
        // TODO: the entries that involve `account`, oldest first.
        let _ = account;
        todo!("read the ledger")
    }
}
