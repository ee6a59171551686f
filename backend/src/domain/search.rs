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
    let backend = db.get_database_backend();
    let common = backend == DbBackend::Sqlite && whole_words_are_common(db, Index::Contacts, words).await?;
    if !common && let Some(ids) = few_of(db, Index::Contacts, words).await? {
        return Ok(Condition::all().add(contacts::Column::Id.is_in(ids)));
    }
    Ok(Condition::all().add(contact_matches(backend, words)))
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
/// The indexes are read first, at most [`FEW`] rows deep: when fewer rows match,
/// the condition names the conversations and contacts found, and the list reads
/// only those. With more matches, the list walks the conversations in its own
/// order and asks each whether it matches, which fills a page after a few
/// dozen conversations. Each plan is bad at the other's case: walking for a word
/// found nowhere asks every conversation (234 ms in 100,000 on SQLite), and
/// naming the conversations of a word in a fifth of a million messages finds
/// the conversation of each of them (337 ms). PostgreSQL's planner can't tell
/// the cases apart by itself either: its estimate for a prefix is a fixed share
/// of the rows, so it walked for words found nowhere (256 ms to find nothing in
/// 20,000 messages, against 0.04 ms through the index).
pub async fn conversations_matching(db: &impl ConnectionTrait, words: &[&str]) -> Result<Condition, DbErr> {
    let backend = db.get_database_backend();
    if let Some((conversations, contacts)) = few(db, words).await? {
        return Ok(Condition::any()
            .add(conversations::Column::Id.is_in(conversations))
            .add(conversations::Column::ContactId.is_in(contacts)));
    }
    Ok(Condition::all().add(conversation_matches(backend, words)))
}

/// The conversations whose messages match and the contacts who match, if
/// fewer than [`FEW`] rows of each do.
async fn few(db: &impl ConnectionTrait, words: &[&str]) -> Result<Option<(Vec<Uuid>, Vec<Uuid>)>, DbErr> {
    if db.get_database_backend() == DbBackend::Sqlite && whole_words_are_common(db, Index::Messages, words).await? {
        return Ok(None);
    }
    let Some(conversations) = few_of(db, Index::Messages, words).await? else { return Ok(None) };
    let Some(contacts) = few_of(db, Index::Contacts, words).await? else { return Ok(None) };
    Ok(Some((conversations, contacts)))
}

/// A text index.
#[derive(Clone, Copy)]
enum Index {
    /// Messages' bodies.
    Messages,
    /// Contacts' names, emails and phones.
    Contacts,
}

/// The ids found through `index` (conversations for messages, contacts for
/// contacts), if fewer than [`FEW`] rows match.
async fn few_of(db: &impl ConnectionTrait, index: Index, words: &[&str]) -> Result<Option<Vec<Uuid>>, DbErr> {
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
    let values = [pattern(backend, words).into(), (FEW as i64).into()];
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    if rows.len() as u64 >= FEW {
        return Ok(None);
    }
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.try_get_by_index(0)).collect::<Result<_, _>>()?;
    ids.sort_unstable();
    ids.dedup();
    Ok(Some(ids))
}

/// Whether [`FEW`] rows or more of SQLite's `index` hold every word whole. If
/// so, at least as many hold them as prefixes. SQLite reads a whole word's list
/// of rows as it goes (0.2 ms for the first 2,000 of 160,000 in a million
/// messages), but merges a prefix's lists before it returns anything (28 ms for
/// the same word).
async fn whole_words_are_common(db: &impl ConnectionTrait, index: Index, words: &[&str]) -> Result<bool, DbErr> {
    let sql = match index {
        Index::Messages => "SELECT count(*) FROM (SELECT 1 FROM messages_search WHERE messages_search MATCH ? LIMIT ?)",
        Index::Contacts => "SELECT count(*) FROM (SELECT 1 FROM contacts_search WHERE contacts_search MATCH ? LIMIT ?)",
    };
    let whole = words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" ");
    let values = [whole.into(), (FEW as i64).into()];
    let row = db.query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await?;
    let count: i64 = match row {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(count as u64 >= FEW)
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
