//! Day 13: transactions under concurrency (solution).
//!
//! A tiny bank on a SQLite file. Many threads, each with its own connection, move money at the
//! same time; no money is created or destroyed, no balance goes below zero, and every transfer
//! that happened is in the ledger, because every transfer is one `BEGIN IMMEDIATE` transaction.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

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
    /// Opens (or creates) the bank at `path` with settings for concurrent use.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, rusqlite::Error> {
        let conn = Connection::open(path)?;
        // Wait for a busy database instead of failing at once with SQLITE_BUSY.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets readers go on while one writer writes; NORMAL syncs at checkpoints instead
        // of every commit, which is safe in WAL mode and much faster.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }

    /// Opens an account with an initial balance (in cents, at least 0) and returns its id.
    pub fn open_account(&self, owner: &str, initial: i64) -> Result<i64, rusqlite::Error> {
        self.conn.execute(
            "INSERT INTO accounts (owner, balance) VALUES (?1, ?2)",
            params![owner, initial],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The balance of an account, or `None` if it does not exist.
    pub fn balance(&self, account: i64) -> Result<Option<i64>, rusqlite::Error> {
        self.conn
            .query_row(
                "SELECT balance FROM accounts WHERE id = ?1",
                [account],
                |r| r.get(0),
            )
            .optional()
    }

    /// The sum of all balances.
    pub fn total(&self) -> Result<i64, rusqlite::Error> {
        self.conn
            .query_row("SELECT COALESCE(SUM(balance), 0) FROM accounts", [], |r| {
                r.get(0)
            })
    }

    /// Moves `amount` cents from one account to another, recording it in the ledger.
    pub fn transfer(&mut self, from: i64, to: i64, amount: i64) -> Result<(), TransferError> {
        let tx = self.begin_immediate()?;
        apply(&tx, from, to, amount)?;
        tx.commit()?;
        Ok(())
    }

    /// Applies several transfers in order, all or nothing: if one fails, none happened.
    pub fn transfer_batch(&mut self, transfers: &[(i64, i64, i64)]) -> Result<(), TransferError> {
        let tx = self.begin_immediate()?;
        for &(from, to, amount) in transfers {
            apply(&tx, from, to, amount)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every ledger entry that involves `account`, oldest first.
    pub fn ledger(&self, account: i64) -> Result<Vec<LedgerEntry>, rusqlite::Error> {
        let mut statement = self.conn.prepare(
            "SELECT id, from_account, to_account, amount FROM transfers
             WHERE from_account = ?1 OR to_account = ?1
             ORDER BY id",
        )?;
        let entries = statement.query_map([account], |r| {
            Ok(LedgerEntry {
                id: r.get(0)?,
                from: r.get(1)?,
                to: r.get(2)?,
                amount: r.get(3)?,
            })
        })?;
        entries.collect()
    }

    /// Starts a transaction that takes the write lock at once.
    ///
    /// A plain (deferred) `BEGIN` reads first and asks for the write lock later; when two
    /// connections both read and then both want to write, one of them can only fail with
    /// SQLITE_BUSY, which no amount of waiting fixes. Taking the lock up front turns that into
    /// an orderly queue that `busy_timeout` waits in.
    fn begin_immediate(&mut self) -> rusqlite::Result<Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
    }
}

/// The balance of `account` inside `tx`, or `UnknownAccount`.
fn balance_in(tx: &Transaction<'_>, account: i64) -> Result<i64, TransferError> {
    tx.query_row(
        "SELECT balance FROM accounts WHERE id = ?1",
        [account],
        |r| r.get(0),
    )
    .optional()?
    .ok_or(TransferError::UnknownAccount(account))
}

/// One transfer inside an open transaction: checks first, then the two updates and the ledger
/// line. On an error the caller drops the transaction, which rolls everything back.
fn apply(tx: &Transaction<'_>, from: i64, to: i64, amount: i64) -> Result<(), TransferError> {
    if amount <= 0 {
        return Err(TransferError::InvalidAmount(amount));
    }
    if from == to {
        return Err(TransferError::SameAccount);
    }
    let balance = balance_in(tx, from)?;
    balance_in(tx, to)?;
    if balance < amount {
        return Err(TransferError::InsufficientFunds {
            account: from,
            balance,
            amount,
        });
    }
    tx.execute(
        "UPDATE accounts SET balance = balance - ?1 WHERE id = ?2",
        params![amount, from],
    )?;
    tx.execute(
        "UPDATE accounts SET balance = balance + ?1 WHERE id = ?2",
        params![amount, to],
    )?;
    tx.execute(
        "INSERT INTO transfers (from_account, to_account, amount) VALUES (?1, ?2, ?3)",
        params![from, to, amount],
    )?;
    Ok(())
}
