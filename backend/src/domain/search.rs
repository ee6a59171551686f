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

/// Most whole words one query word is searched as on SQLite; a word that starts
/// more is searched as a prefix.
const MAX_EXPANSION: usize = 16;

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

/// One query word as a text index is asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// The index's whole words that start with it (SQLite); none when the index
    /// holds no such word.
    Words(Vec<String>),
    /// The word itself, for the database to search as the start of words.
    Prefix(String),
}

/// A query's words as one text index is asked for them: rows holding every term.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern(Vec<Term>);

impl Pattern {
    /// Every word a prefix: how PostgreSQL is always asked.
    fn prefixes(words: &[&str]) -> Self {
        Self(words.iter().map(|w| Term::Prefix((*w).to_owned())).collect())
    }

    /// Whether no row can match: a word that starts no word of the index.
    fn is_empty(&self) -> bool {
        self.0.iter().any(|t| matches!(t, Term::Words(words) if words.is_empty()))
    }

    /// Whether SQLite must merge a prefix's lists to read it.
    fn has_prefix(&self) -> bool {
        self.0.iter().any(|t| matches!(t, Term::Prefix(_)))
    }

    /// The prefixes read as whole words: the rows it finds match the pattern too.
    fn whole(&self) -> Self {
        Self(
            self.0
                .iter()
                .map(|t| match t {
                    Term::Prefix(w) => Term::Words(vec![w.clone()]),
                    words => words.clone(),
                })
                .collect(),
        )
    }

    /// As the database takes it: on SQLite a match expression (a word's whole
    /// words joined by `OR`, a prefix starred); on PostgreSQL the words
    /// themselves, which `natter_search_query` cuts again after `unaccent` (that
    /// turns some letters into punctuation) and makes prefixes.
    fn text(&self, backend: DbBackend) -> String {
        let quoted = |w: &str| format!("\"{}\"", w.replace('"', "\"\""));
        let terms = self.0.iter().map(|t| match (backend, t) {
            (DbBackend::Postgres, Term::Prefix(w)) => w.clone(),
            (DbBackend::Postgres, Term::Words(words)) => words.join(" "),
            (_, Term::Prefix(w)) => format!("{}*", quoted(w)),
            (_, Term::Words(words)) if words.len() == 1 => quoted(&words[0]),
            (_, Term::Words(words)) => {
                format!("({})", words.iter().map(|w| quoted(w)).collect::<Vec<_>>().join(" OR "))
            }
        });
        terms.collect::<Vec<_>>().join(" ")
    }
}

/// The query's words as `index` is asked for them. On SQLite each word of
/// ASCII letters and digits (which FTS5 folds to lower case and nothing else)
/// becomes the index's whole words that start with it, read from its word list
/// (`*_search_words`, migration `create_search_terms`): FTS5 merges a prefix's
/// lists of rows before it returns the first row (11 ms for a word in 164,000 of
/// a million messages), but reads whole words as it goes (0.07 ms for the first
/// 2,000). Other words, and a word that starts more than [`MAX_EXPANSION`]
/// words, stay prefixes: how FTS5 folds accents is its own.
async fn pattern(db: &impl ConnectionTrait, index: Index, words: &[&str]) -> Result<Pattern, DbErr> {
    let backend = db.get_database_backend();
    if backend != DbBackend::Sqlite {
        return Ok(Pattern::prefixes(words));
    }
    let table = match index {
        Index::Messages => "messages_search_words",
        Index::Contacts => "contacts_search_words",
    };
    // fts5vocab takes `<` as `<=`: the bound is the prefix and the last code
    // point, which no word (letters and digits) holds.
    let sql = format!("SELECT term FROM {table} WHERE term >= ? AND term <= ? ORDER BY term LIMIT ?");
    let mut terms = Vec::with_capacity(words.len());
    for word in words {
        if !word.is_ascii() {
            terms.push(Term::Prefix((*word).to_owned()));
            continue;
        }
        let prefix = word.to_ascii_lowercase();
        let values = [prefix.clone().into(), format!("{prefix}\u{10FFFF}").into(), (MAX_EXPANSION as i64 + 1).into()];
        let rows = db.query_all_raw(Statement::from_sql_and_values(backend, &sql, values)).await?;
        let found: Vec<String> = rows.iter().map(|r| r.try_get_by_index(0)).collect::<Result<_, _>>()?;
        terms.push(if found.len() > MAX_EXPANSION {
            Term::Prefix(prefix)
        } else {
            Term::Words(found.into_iter().filter(|t| t.starts_with(&prefix)).collect())
        });
    }
    Ok(Pattern(terms))
}

/// Contacts (rows of `contacts`) whose name, email or phone has every word,
/// asked of each contact the list walks; `newest`, the matching contacts the
/// index was read for (see [`conversation_matches`] for the same on messages).
/// (sea-query writes values for `?` on SQLite and `$n` on PostgreSQL.)
fn contact_matches(backend: DbBackend, pattern: &Pattern, newest: &Look) -> Condition {
    if backend == DbBackend::Postgres {
        // `OFFSET 0`: each contact is asked as the list walks them (see
        // `conversation_matches`); a bare condition lets the planner read every
        // match from the index and sort them (856 ms for a word in all of
        // 100,000 contacts).
        let sql = "EXISTS (SELECT 1 WHERE natter_search_words(coalesce(contacts.name, '') || ' ' || \
             coalesce(contacts.email, '') || ' ' || coalesce(contacts.phone, '')) @@ natter_search_query($1) OFFSET 0)";
        return Condition::all().add(Expr::cust_with_values(sql, [pattern.text(backend)]));
    }
    let (low, high) = newest.span.unwrap_or((i64::MAX, i64::MIN));
    Condition::any().add(known("contacts.id", newest)).add(Expr::cust_with_values(
        "(contacts.rowid < ? OR contacts.rowid > ?) AND contacts.rowid IN \
         (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?)",
        [low.into(), high.into(), sea_orm::Value::from(pattern.text(backend))],
    ))
}

/// SQLite: `column` is one of the ids `look` read. They go as one JSON array of
/// ids in hex (SQLite stores a uuid as its 16 bytes): the statement's text
/// stays the same, so SQLite prepares it once, instead of a placeholder each.
/// The `+` keeps SQLite from answering an `OR` of it and the index's rows by
/// looking up both lists in full and sorting (reading every match, 20 ms for a
/// word in all of 100,000 contacts) rather than walking.
fn known(column: &str, look: &Look) -> SimpleExpr {
    let hex: Vec<String> = look.ids.iter().map(|id| id.simple().to_string()).collect();
    let hex = serde_json::to_string(&hex).unwrap_or_else(|_| "[]".to_owned());
    Expr::cust_with_values(format!("+{column} IN (SELECT unhex(value) FROM json_each(?))"), [hex])
}

/// Contacts matching every word, as a condition on `contacts`: by id when
/// fewer than [`FEW`] match, else asked of each contact the list walks.
pub async fn contacts_matching(db: &impl ConnectionTrait, words: &[&str]) -> Result<Condition, DbErr> {
    let pattern = pattern(db, Index::Contacts, words).await?;
    let found = first_look(db, Index::Contacts, &pattern).await?;
    if found.rows < FEW {
        return Ok(Condition::all().add(contacts::Column::Id.is_in(found.ids)));
    }
    Ok(contact_matches(db.get_database_backend(), &pattern, &found))
}

/// Conversations (rows of `conversations`) whose contact has every word, or one
/// of whose messages does; `newest`, the matching messages the index was read for.
fn conversation_matches(backend: DbBackend, messages: &Pattern, contacts: &Pattern, newest: &Look) -> Condition {
    if backend == DbBackend::Postgres {
        // Asked of each conversation the list walks, in its order, until the page
        // is full. `OFFSET 0` keeps each question with its conversation: without
        // it the planner hashes every matching message's conversation first
        // (a bitmap scan of each match and its words recomputed: 23–36 ms for a
        // word in 33,000 of 200,000 messages, against 5 ms this way, which does
        // not grow with the inbox). Both patterns are the words themselves, so
        // `$1` (one value) serves both.
        //
        // A message's words are computed again for each message asked (its
        // `natter_search_words`: ~7 µs, mostly the cutting into words), so a
        // cheaper necessary condition comes first: the message, lower-cased
        // without accents, holds each word of ASCII letters and digits (`$2`;
        // such a word is its own query word). 13 ms against 3.2 for a page of
        // two common words in a million messages.
        let sql = "(EXISTS (SELECT 1 FROM contacts WHERE contacts.id = conversations.contact_id AND \
             natter_search_words(coalesce(contacts.name, '') || ' ' || coalesce(contacts.email, '') || ' ' || \
             coalesce(contacts.phone, '')) @@ natter_search_query($1) OFFSET 0) \
             OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id AND \
             lower(public.unaccent('public.unaccent'::regdictionary, m.body)) LIKE ALL (string_to_array($2, ' ')) AND \
             natter_search_words(m.body) @@ natter_search_query($1) OFFSET 0))";
        return Condition::all().add(Expr::cust_with_values(sql, [messages.text(backend), held(messages)]));
    }
    // SQLite, asked of each conversation the list walks, in its order, until the
    // page is full. An index that can't match is left out.
    let mut any = Condition::any();
    if !contacts.is_empty() {
        any = any.add(Expr::cust_with_values(
            "conversations.contact_id IN (SELECT contacts.id FROM contacts WHERE contacts.rowid IN \
             (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?))",
            [contacts.text(backend)],
        ));
    }
    if messages.is_empty() {
        return any;
    }
    // The conversations of the newest matches are known. Of the others, only
    // messages outside the span read (older, or written since) can match:
    // SQLite reads the matching messages' ids once (an ephemeral index), and
    // only when a walked conversation has such a message. The walk's
    // conversations are the recently active ones, whose messages are mostly the
    // newest: a common word's page is then found without reading its whole list
    // of rows, which takes longer than all the rest of the search (13.7 ms for a
    // word in 164,000 of a million messages, against 0.9 ms for the first look).
    // Asking the index per message instead costs ~80 µs a message.
    let (low, high) = newest.span.unwrap_or((i64::MAX, i64::MIN));
    any.add(known("conversations.id", newest)).add(Expr::cust_with_values(
        "EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id \
             AND (m.rowid < ? OR m.rowid > ?) AND m.rowid IN \
             (SELECT rowid FROM messages_search WHERE messages_search MATCH ?))",
        [low.into(), high.into(), sea_orm::Value::from(messages.text(backend))],
    ))
}

/// PostgreSQL: `LIKE` patterns, space-separated, that a message lower-cased
/// without accents matches when it holds every word: each word of ASCII letters
/// and digits, anywhere (`%` alone when there is none).
fn held(pattern: &Pattern) -> String {
    let ascii = pattern.0.iter().filter_map(|t| match t {
        Term::Prefix(w) if w.is_ascii() => Some(format!("%{}%", w.to_ascii_lowercase())),
        _ => None,
    });
    let held: Vec<String> = ascii.collect();
    if held.is_empty() { "%".to_owned() } else { held.join(" ") }
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
    let messages = pattern(db, Index::Messages, words).await?;
    let contacts = pattern(db, Index::Contacts, words).await?;
    match plan(db, &messages, &contacts).await? {
        Plan::ById(Found { conversations, contacts }) => Ok(Condition::any()
            .add(conversations::Column::Id.is_in(conversations))
            .add(conversations::Column::ContactId.is_in(contacts))),
        Plan::Walk(newest) => Ok(conversation_matches(db.get_database_backend(), &messages, &contacts, &newest)),
    }
}

/// Conversations a search that walks first asks at most before it reads the
/// text index instead (PostgreSQL; see [`walk_first`]).
pub const WALK_FIRST: u64 = 1_000;

/// PostgreSQL: when the planner's statistics of the messages' text index (its
/// most common words, each with the share of messages holding it) put at least
/// [`FEW`] messages holding every word, the condition to walk the list with
/// before reading the index; `None` otherwise, and on SQLite.
///
/// Reading a GIN index builds a bitmap of every match before its first row: 21
/// ms for a word in 164,000 of a million messages, so the first look alone
/// costs more than the walk it leads to (3 ms for a page). The statistics only
/// choose the order: the list asks at most [`WALK_FIRST`] conversations this
/// way (a common word concentrated in a few long conversations would have the
/// walk ask every one), and then reads the index as it would have; a stale
/// estimate costs time, never results. A word among no common words is rare.
pub async fn walk_first(db: &impl ConnectionTrait, words: &[&str]) -> Result<Option<Condition>, DbErr> {
    let backend = db.get_database_backend();
    if backend != DbBackend::Postgres {
        return Ok(None);
    }
    let sql = "SELECT q.word, sum(e.f)::float8, (SELECT reltuples FROM pg_class WHERE oid = 'messages'::regclass)::float8 \
         FROM unnest(string_to_array(lower(public.unaccent('public.unaccent'::regdictionary, $1)), ' ')) AS q(word), \
         pg_stats s CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS e(w, f) \
         WHERE s.schemaname = current_schema() AND s.tablename = 'idx_messages_search' AND starts_with(e.w, q.word) \
         GROUP BY q.word";
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, [words.join(" ").into()])).await?;
    let mut estimate = rows.first().map(|r| r.try_get_by_index::<f64>(2)).transpose()?.unwrap_or(0.0);
    // One row for each word among the common ones; the words taken as independent.
    for row in &rows {
        estimate *= row.try_get_by_index::<f64>(1)?.min(1.0);
    }
    if rows.len() < words.len() || estimate < FEW as f64 {
        return Ok(None);
    }
    let pattern = Pattern::prefixes(words);
    Ok(Some(conversation_matches(backend, &pattern, &pattern, &Look { rows: 0, ids: Vec::new(), span: None })))
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

/// The conversations whose messages hold every word and the contacts who do,
/// if fewer than [`FEW`] of each do; `None` when the list should walk.
pub async fn found(db: &impl ConnectionTrait, words: &[&str]) -> Result<Option<Found>, DbErr> {
    let messages = pattern(db, Index::Messages, words).await?;
    let contacts = pattern(db, Index::Contacts, words).await?;
    Ok(match plan(db, &messages, &contacts).await? {
        Plan::ById(found) => Some(found),
        Plan::Walk(_) => None,
    })
}

/// How the list finds a search's conversations.
enum Plan {
    /// By id: the indexes named every match.
    ById(Found),
    /// Walking the list in its order, asking each conversation; with the
    /// newest matching messages the index was read for.
    Walk(Look),
}

/// Whether the list reads the matches by id (fewer than [`FEW`] messages and
/// contacts match) or walks.
///
/// Messages are read at most [`FEW`] rows deep first. When that many match but
/// in fewer than [`SPREAD`] conversations, the word is concentrated in long
/// conversations: walking would ask nearly every conversation for nothing, so
/// the index is read on, up to [`MANY`] rows, for all their conversations.
async fn plan(db: &impl ConnectionTrait, messages: &Pattern, contacts: &Pattern) -> Result<Plan, DbErr> {
    let first = first_look(db, Index::Messages, messages).await?;
    let messages = if first.rows < FEW {
        first
    } else if first.ids.len() >= SPREAD {
        return Ok(Plan::Walk(first));
    } else {
        let deeper = look(db, Index::Messages, messages, MANY).await?;
        if deeper.rows >= MANY || deeper.ids.len() as u64 >= FEW {
            return Ok(Plan::Walk(deeper));
        }
        deeper
    };
    let contacts = first_look(db, Index::Contacts, contacts).await?;
    if contacts.rows >= FEW {
        return Ok(Plan::Walk(messages));
    }
    Ok(Plan::ById(Found { conversations: messages.ids, contacts: contacts.ids }))
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
    /// SQLite, read newest first: the lowest rowid read and the newest row's
    /// then. Every row between them that matches was read.
    span: Option<(i64, i64)>,
}

/// The first [`FEW`] rows of `index` matching `pattern`. A prefix left in a
/// SQLite pattern is merged whole before the first row (see [`pattern`]): so
/// its words are looked for whole first, and when they already fill [`FEW`]
/// rows, so would their prefixes.
async fn first_look(db: &impl ConnectionTrait, index: Index, pattern: &Pattern) -> Result<Look, DbErr> {
    if pattern.is_empty() {
        return Ok(Look { rows: 0, ids: Vec::new(), span: None });
    }
    if db.get_database_backend() == DbBackend::Sqlite && pattern.has_prefix() {
        let found = look(db, index, &pattern.whole(), FEW).await?;
        if found.rows >= FEW {
            // Its conversations match, but the prefixes' other words were not read.
            return Ok(Look { span: None, ..found });
        }
    }
    look(db, index, pattern, FEW).await
}

/// At most `limit` rows of `index` matching `pattern`.
async fn look(db: &impl ConnectionTrait, index: Index, pattern: &Pattern, limit: u64) -> Result<Look, DbErr> {
    let backend = db.get_database_backend();
    let values = [pattern.text(backend).into(), i64::try_from(limit).unwrap_or(i64::MAX).into()];
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
        _ => return look_sqlite(db, index, values).await,
    };
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await?;
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.try_get_by_index(0)).collect::<Result<_, _>>()?;
    ids.sort_unstable();
    ids.dedup();
    Ok(Look { rows: rows.len() as u64, ids, span: None })
}

/// [`look`] on SQLite, in one row: sqlx hands each row from SQLite's thread to
/// the caller's, a thread switch a row (a quarter of a search's time when its
/// looks returned 2,000 rows each). Rows are read newest first, so that the
/// walk knows which it need not ask again.
async fn look_sqlite(db: &impl ConnectionTrait, index: Index, values: [sea_orm::Value; 2]) -> Result<Look, DbErr> {
    let sql = match index {
        Index::Messages => {
            "SELECT count(*), min(m.rowid), (SELECT max(rowid) FROM messages), \
             json_group_array(DISTINCT hex(m.conversation_id)) FROM messages m WHERE m.rowid IN \
             (SELECT rowid FROM messages_search WHERE messages_search MATCH ? ORDER BY rowid DESC LIMIT ?)"
        }
        Index::Contacts => {
            "SELECT count(*), min(contacts.rowid), (SELECT max(rowid) FROM contacts), \
             json_group_array(DISTINCT hex(contacts.id)) FROM contacts WHERE contacts.rowid IN \
             (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ? ORDER BY rowid DESC LIMIT ?)"
        }
    };
    let row = db.query_one_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await?;
    let Some(row) = row else {
        return Ok(Look { rows: 0, ids: Vec::new(), span: None });
    };
    let rows: i64 = row.try_get_by_index(0)?;
    let low: Option<i64> = row.try_get_by_index(1)?;
    let newest: Option<i64> = row.try_get_by_index(2)?;
    let hex: String = row.try_get_by_index(3)?;
    let hex: Vec<String> = serde_json::from_str(&hex).map_err(|e| DbErr::Type(format!("the ids read: {e}")))?;
    let mut ids = hex
        .iter()
        .map(|h| Uuid::try_parse(h).map_err(|e| DbErr::Type(format!("an id read: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    Ok(Look { rows: u64::try_from(rows).unwrap_or(0), ids, span: low.zip(newest) })
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
    fn a_pattern_is_written_for_each_database() {
        let pattern = Pattern(vec![
            Term::Prefix("zoë".into()),
            Term::Words(vec!["10".into()]),
            Term::Words(vec!["late".into(), "later".into()]),
        ]);
        assert_eq!(pattern.text(DbBackend::Postgres), "zoë 10 late later");
        assert_eq!(pattern.text(DbBackend::Sqlite), "\"zoë\"* \"10\" (\"late\" OR \"later\")");
        assert_eq!(Pattern::prefixes(&["zoë", "10"]).text(DbBackend::Sqlite), "\"zoë\"* \"10\"*");
        assert!(pattern.has_prefix() && !pattern.whole().has_prefix());
        assert_eq!(pattern.whole().text(DbBackend::Sqlite), "\"zoë\" \"10\" (\"late\" OR \"later\")");
    }

    #[test]
    fn a_message_holds_each_ascii_word_it_matches() {
        assert_eq!(held(&Pattern::prefixes(&["Late", "canción", "PACK2"])), "%late% %pack2%");
        assert_eq!(held(&Pattern::prefixes(&["canción"])), "%");
    }

    #[test]
    fn a_word_that_starts_no_word_matches_nothing() {
        assert!(Pattern(vec![Term::Words(vec!["late".into()]), Term::Words(Vec::new())]).is_empty());
        assert!(!Pattern::prefixes(&["late"]).is_empty());
    }
}
