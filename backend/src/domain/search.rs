//! Text search by words, the same on both databases: each word of the query is
//! the start of a word of the text, case and accents folded ("CANCION" finds
//! "canción"). Texts and queries are cut into words at every character that is
//! not a letter or a digit. The indexes (migration `create_search_index`):
//! SQLite's FTS5 tables `messages_search` and `contacts_search`, kept in step by
//! triggers; PostgreSQL's GIN indexes on `natter_search_words(…)`.

use crate::entities::{contacts, conversations};
use sea_orm::sea_query::{Condition, Expr, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, DbErr, Statement};
use uuid::Uuid;

/// Most words a query is searched by; the rest are ignored.
const MAX_WORDS: usize = 8;

/// Up to this many matching rows, the matches are listed by id first.
const FEW: u64 = 2_000;

/// When the first [`FEW`] matching messages lie in fewer conversations than
/// this, the matches are concentrated (long conversations repeating a word) and
/// the index is read deeper, up to [`MANY`] rows, for their conversations.
const SPREAD: usize = 200;

/// How deep the index is read for a concentrated word's conversations.
const MANY: u64 = 20_000;

/// A query's words: runs of letters and digits, as the indexes cut text.
pub fn words(q: &str) -> Vec<&str> {
    q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).take(MAX_WORDS).collect()
}

/// The words as the database takes them: on SQLite a match expression (every
/// word as a prefix; words hold only letters and digits, nothing to quote); on
/// PostgreSQL the words themselves, which `natter_search_query` cuts again after
/// `unaccent` (that turns some letters into punctuation) and makes prefixes.
fn pattern(backend: DbBackend, words: &[&str]) -> String {
    match backend {
        DbBackend::Postgres => words.join(" "),
        _ => words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" "),
    }
}

/// Contacts (rows of `contacts`) whose name, email or phone has every word,
/// asked of each contact the list walks. (sea-query writes values for `?` on
/// SQLite and `$n` on PostgreSQL.)
fn contact_matches(backend: DbBackend, words: &[&str]) -> SimpleExpr {
    let sql = match backend {
        // `OFFSET 0`: each contact is asked as the list walks them (see
        // `conversation_matches`); a bare condition lets the planner read every
        // match from the index and sort them (856 ms for a word in all of
        // 100,000 contacts).
        DbBackend::Postgres => {
            "EXISTS (SELECT 1 WHERE natter_search_words(coalesce(contacts.name, '') || ' ' || \
             coalesce(contacts.email, '') || ' ' || coalesce(contacts.phone, '')) @@ natter_search_query($1) OFFSET 0)"
        }
        _ => "contacts.rowid IN (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?)",
    };
    Expr::cust_with_values(sql, [pattern(backend, words)])
}

/// Contacts matching every word, as a condition on `contacts`: by id when
/// fewer than [`FEW`] match, else asked of each contact the list walks.
pub async fn contacts_matching(db: &impl ConnectionTrait, words: &[&str]) -> Result<Condition, DbErr> {
    let found = first_look(db, Index::Contacts, words).await?;
    if found.rows < FEW {
        return Ok(Condition::all().add(contacts::Column::Id.is_in(found.ids)));
    }
    Ok(Condition::all().add(contact_matches(db.get_database_backend(), words)))
}

/// Conversations (rows of `conversations`) whose contact has every word, or one
/// of whose messages does.
fn conversation_matches(backend: DbBackend, words: &[&str]) -> SimpleExpr {
    let sql = match backend {
        // Asked of each conversation the list walks, in its order, until the page
        // is full. `OFFSET 0` keeps each question with its conversation: without
        // it the planner hashes every matching message's conversation first
        // (a bitmap scan of each match and its words recomputed: 23–36 ms for a
        // word in 33,000 of 200,000 messages, against 5 ms this way, which does
        // not grow with the inbox).
        DbBackend::Postgres => {
            "(EXISTS (SELECT 1 FROM contacts WHERE contacts.id = conversations.contact_id AND \
             natter_search_words(coalesce(contacts.name, '') || ' ' || coalesce(contacts.email, '') || ' ' || \
             coalesce(contacts.phone, '')) @@ natter_search_query($1) OFFSET 0) \
             OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id AND \
             natter_search_words(m.body) @@ natter_search_query($1) OFFSET 0))"
        }
        // Asked of each conversation the list walks, in its order, until the page
        // is full: SQLite reads the matching messages' ids once (an ephemeral index)
        // and looks up only the walked conversations' messages in it, instead of
        // finding the conversation of every matching message first.
        _ => {
            "(conversations.contact_id IN (SELECT contacts.id FROM contacts WHERE contacts.rowid IN \
             (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?)) \
             OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id AND m.rowid IN \
             (SELECT rowid FROM messages_search WHERE messages_search MATCH ?)))"
        }
    };
    let pattern = pattern(backend, words);
    match backend {
        // PostgreSQL's placeholders are numbered: `$1` twice is one value.
        DbBackend::Postgres => Expr::cust_with_values(sql, [pattern]),
        _ => Expr::cust_with_values(sql, [pattern.clone(), pattern]),
    }
}

/// Conversations matching every word, as a condition on `conversations`.
///
/// The indexes are read first (see [`found`]): when they name few conversations
/// and contacts, the list reads only those. Otherwise the list walks the
/// conversations in its own order and asks each whether it matches, which
/// fills a page after a few dozen conversations when the matches are spread
/// over many. Each plan is bad at the other's case: walking for a word found
/// nowhere, or in one long conversation, asks every conversation (234 ms in
/// 100,000 on SQLite), and naming the conversations of a word in a fifth of a
/// million messages finds the conversation of each of them (337 ms).
/// PostgreSQL's planner can't tell the cases apart by itself either: its
/// estimate for a prefix is a fixed share of the rows, so it walked for words
/// found nowhere (256 ms to find nothing in 20,000 messages, against 0.04 ms
/// through the index).
pub async fn conversations_matching(db: &impl ConnectionTrait, words: &[&str]) -> Result<Condition, DbErr> {
    if let Some(Found { conversations, contacts }) = found(db, words).await? {
        return Ok(Condition::any()
            .add(conversations::Column::Id.is_in(conversations))
            .add(conversations::Column::ContactId.is_in(contacts)));
    }
    Ok(Condition::all().add(conversation_matches(db.get_database_backend(), words)))
}

/// The conversations and contacts a search names, when the list reads them by
/// id rather than walking.
#[derive(Debug, PartialEq, Eq)]
pub struct Found {
    /// Conversations with a message holding every word.
    pub conversations: Vec<Uuid>,
    /// Contacts holding every word.
    pub contacts: Vec<Uuid>,
}

/// The conversations whose messages match and the contacts who match, if
/// fewer than [`FEW`] of each do; `None` when the list should walk.
///
/// Messages are read at most [`FEW`] rows deep first. When that many match but
/// in fewer than [`SPREAD`] conversations, the word is concentrated in long
/// conversations: walking would ask nearly every conversation for nothing, so
/// the index is read on, up to [`MANY`] rows, for all their conversations.
pub async fn found(db: &impl ConnectionTrait, words: &[&str]) -> Result<Option<Found>, DbErr> {
    let first = first_look(db, Index::Messages, words).await?;
    let messages = if first.rows < FEW {
        first
    } else if first.ids.len() >= SPREAD {
        return Ok(None);
    } else {
        let deeper = look(db, Index::Messages, pattern(db.get_database_backend(), words), MANY).await?;
        if deeper.rows >= MANY || deeper.ids.len() as u64 >= FEW {
            return Ok(None);
        }
        deeper
    };
    let contacts = first_look(db, Index::Contacts, words).await?;
    if contacts.rows >= FEW {
        return Ok(None);
    }
    Ok(Some(Found { conversations: messages.ids, contacts: contacts.ids }))
}

/// A text index.
#[derive(Clone, Copy)]
enum Index {
    /// Messages' bodies.
    Messages,
    /// Contacts' names, emails and phones.
    Contacts,
}

/// What one read of an index found.
struct Look {
    /// Rows read (at most the limit asked).
    rows: u64,
    /// Their ids, sorted, each once: conversations for messages, contacts for
    /// contacts.
    ids: Vec<Uuid>,
}

/// The first [`FEW`] rows of `index` holding every word as a prefix. SQLite
/// reads a whole word's list of rows as it goes (0.2 ms for the first 2,000 of
/// 160,000 in a million messages), but merges a prefix's lists before it
/// returns anything (28 ms for the same word): so it looks for the words whole
/// first, and when they already fill [`FEW`] rows, so would their prefixes.
async fn first_look(db: &impl ConnectionTrait, index: Index, words: &[&str]) -> Result<Look, DbErr> {
    let backend = db.get_database_backend();
    if backend == DbBackend::Sqlite {
        let whole = words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" ");
        let found = look(db, index, whole, FEW).await?;
        if found.rows >= FEW {
            return Ok(found);
        }
    }
    look(db, index, pattern(backend, words), FEW).await
}

/// At most `limit` rows of `index` matching `pattern`.
async fn look(db: &impl ConnectionTrait, index: Index, pattern: String, limit: u64) -> Result<Look, DbErr> {
    let backend = db.get_database_backend();
    let sql = match (backend, index) {
        (DbBackend::Postgres, Index::Messages) => {
            "SELECT m.conversation_id FROM messages m \
             WHERE natter_search_words(m.body) @@ natter_search_query($1) LIMIT $2"
        }
        (DbBackend::Postgres, Index::Contacts) => {
            "SELECT contacts.id FROM contacts WHERE natter_search_words(coalesce(contacts.name, '') \
             || ' ' || coalesce(contacts.email, '') || ' ' || coalesce(contacts.phone, '')) \
             @@ natter_search_query($1) LIMIT $2"
        }
        (_, Index::Messages) => {
            "SELECT m.conversation_id FROM messages m WHERE m.rowid IN \
             (SELECT rowid FROM messages_search WHERE messages_search MATCH ? LIMIT ?)"
        }
        (_, Index::Contacts) => {
            "SELECT contacts.id FROM contacts WHERE contacts.rowid IN \
             (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ? LIMIT ?)"
        }
    };
    let values = [pattern.into(), i64::try_from(limit).unwrap_or(i64::MAX).into()];
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.try_get_by_index(0)).collect::<Result<_, _>>()?;
    ids.sort_unstable();
    ids.dedup();
    Ok(Look { rows: rows.len() as u64, ids })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        assert_eq!(words("  Ann@shop.EXAMPLE  "), ["Ann", "shop", "EXAMPLE"]);
        assert_eq!(words("canción 100%"), ["canción", "100"]);
        assert_eq!(words("%%% _ \\"), Vec::<&str>::new());
        assert_eq!(words("a b c d e f g h i j").len(), MAX_WORDS);
    }

    #[test]
    fn every_word_is_a_prefix_on_both_databases() {
        assert_eq!(pattern(DbBackend::Postgres, &["zoë", "10"]), "zoë 10");
        assert_eq!(pattern(DbBackend::Sqlite, &["zoë", "10"]), "\"zoë\"* \"10\"*");
    }
}
