//! `natter seed`: a big inbox for benchmarks (list, search, an idle server with
//! many open conversations). Contacts, conversations and messages go through the
//! real write path — the batched writer, its event log and the search index —
//! spread over the last 20 days (inside the event log's 30-day retention), in words from a small vocabulary (with accents)
//! so that searches have something to find. Every conversation ends with a reply,
//! so nothing waits for an answer and the missed rule has nothing to do.

use crate::config::Settings;
use crate::db::Db;
use crate::db::posts::{NewPost, PostTarget, Posted};
use crate::domain::messages::card_preview;
use crate::domain::render::markdown_to_html;
use crate::domain::visitor_sessions::anonymous_contact;
use crate::entities::contacts;
use crate::metrics::Metrics;
use futures_util::future::try_join_all;
use sea_orm::EntityTrait;
use shared::api::MessageKind;
use shared::{ContactId, ConversationId};
use uuid::Uuid;

/// Sends in flight at once: enough to fill the writer's batches.
const WAVE: usize = 4096;
/// Contacts per insert.
const CONTACT_CHUNK: usize = 500;
/// The seeded inbox spans this many days, up to now.
const DAYS: i64 = 20;

const WORDS: &[&str] = &[
    "hello",
    "order",
    "invoice",
    "refund",
    "delivery",
    "password",
    "account",
    "shipping",
    "canción",
    "pedido",
    "factura",
    "envío",
    "contraseña",
    "cuenta",
    "número",
    "price",
    "discount",
    "coupon",
    "subscription",
    "cancel",
    "upgrade",
    "plan",
    "billing",
    "card",
    "payment",
    "tracking",
    "package",
    "address",
    "return",
    "exchange",
    "size",
    "colour",
    "warranty",
    "broken",
    "missing",
    "late",
    "thanks",
    "question",
    "help",
    "support",
    "café",
    "über",
    "naïve",
    "résumé",
    "garçon",
    "jalapeño",
    "smörgåsbord",
    "piñata",
    "façade",
    "déjà",
];

/// What was written.
#[derive(Debug, Clone, Copy)]
pub struct Seeded {
    pub conversations: u64,
    pub messages: u64,
}

/// A deterministic word stream (xorshift), so two seeds make the same inbox.
struct Words(u64);

impl Words {
    fn next(&mut self) -> &'static str {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        WORDS[usize::try_from(self.0 % WORDS.len() as u64).unwrap_or(0)]
    }

    fn sentence(&mut self, n: usize) -> String {
        let words: Vec<&str> = (0..n).map(|_| self.next()).collect();
        words.join(" ")
    }
}

/// Writes `conversations` conversations with `messages` messages in all (at
/// least one each) into the database of `settings`, migrating it first.
pub async fn run(settings: &Settings, conversations: u64, messages: u64) -> anyhow::Result<Seeded> {
    anyhow::ensure!(conversations > 0, "--conversations must be at least 1");
    let messages = messages.max(conversations);
    let db = crate::startup::migrate(settings, &Metrics::new()?).await?;
    let now = crate::clock::millis(chrono::Utc::now());
    let span = DAYS * 24 * 3600 * 1000;
    let count = usize::try_from(conversations)?;
    let start_of = |i: usize| now - span + (span / conversations as i64) * i as i64;
    let people = add_contacts(&db, count, now).await?;
    let mut words = Words(0x9e37_79b9_7f4a_7c15);
    let per = messages / conversations;
    let extra = messages % conversations;
    let total_of = |i: usize| per + u64::from((i as u64) < extra);
    let at_of = |i: usize, step: u64| (start_of(i) + i64::try_from(step).unwrap_or(0) * 120_000).min(now);
    // Every message, in the order of its time, as a live inbox writes them: the
    // rows follow time, so the newest conversations hold the newest rows.
    let mut order: Vec<(i64, usize, u64)> =
        (0..count).flat_map(|i| (0..total_of(i)).map(move |step| (at_of(i, step), i, step))).collect();
    order.sort_unstable();
    // Written WAVE at a time. Each conversation's first message comes from its
    // visitor and opens it; a later message of a conversation opened in the same
    // wave needs its id, so it goes in a second round. Visitor and agent
    // alternate, the last message a reply.
    let mut opened: Vec<Option<ConversationId>> = vec![None; count];
    let mut written = 0u64;
    for wave in order.chunks(WAVE) {
        let (ready, waiting): (Vec<_>, Vec<_>) =
            wave.iter().partition(|(_, i, step)| *step == 0 || opened[*i].is_some());
        for round in [ready, waiting] {
            let sends = round.iter().map(|&&(at, i, step)| {
                let post = match opened[i] {
                    None => visitor_post(PostTarget::Visitor(people[i]), people[i].0, words.sentence(6), at),
                    Some(conversation) => {
                        let target = PostTarget::Conversation(conversation);
                        let reply = (total_of(i) - 1 - step) % 2 == 0;
                        let body = words.sentence(if reply { 12 } else { 6 });
                        if reply { reply_post(target, body, at) } else { visitor_post(target, people[i].0, body, at) }
                    }
                };
                db.post(post)
            });
            let posted = try_join_all(sends).await?;
            for (&&(_, i, _), posted) in round.iter().zip(posted) {
                opened[i].get_or_insert(conversation_of(posted));
            }
            written += round.len() as u64;
        }
    }
    // The server's checkpointer keeps SQLite's WAL short as it goes; a bulk load
    // outruns it (gigabytes of WAL, which every read then looks through). Copy
    // it all into the database now, so the server starts as it would run.
    if db.backend() == sea_orm::DbBackend::Sqlite {
        use sea_orm::ConnectionTrait;
        db.migration_conn().execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    }
    Ok(Seeded { conversations, messages: written })
}

async fn add_contacts(db: &Db, count: usize, now: i64) -> anyhow::Result<Vec<ContactId>> {
    let mut people = Vec::with_capacity(count);
    let mut left = count;
    let mut n = 0usize;
    while left > 0 {
        let take = left.min(CONTACT_CHUNK);
        let mut rows = Vec::with_capacity(take);
        for _ in 0..take {
            let mut row = anonymous_contact(crate::clock::from_millis(now), None, None);
            n += 1;
            row.name = sea_orm::Set(Some(format!("Visitor {n}")));
            row.email = sea_orm::Set(Some(format!("visitor{n}@example.com")));
            if let sea_orm::ActiveValue::Set(id) = &row.id {
                people.push(ContactId(*id));
            }
            rows.push(row);
        }
        let txn = db.write().await?;
        contacts::Entity::insert_many(rows).exec_without_returning(&*txn).await?;
        txn.commit().await?;
        left -= take;
    }
    Ok(people)
}

fn conversation_of(posted: Posted) -> ConversationId {
    match posted {
        Posted::New(m) | Posted::Repeated(m) => m.conversation_id,
        Posted::Existing(m) => ConversationId(m.conversation_id),
    }
}

fn post(target: PostTarget, kind: MessageKind, author: Uuid, name: Option<String>, body: String, at: i64) -> NewPost {
    NewPost {
        target,
        id: Uuid::now_v7(),
        kind,
        agent_id: None,
        author_id: author,
        author_name: name,
        html: markdown_to_html(&body),
        preview: card_preview(&body, 0),
        client_id: Uuid::new_v4().to_string(),
        body,
        attachments: Vec::new(),
        now: at,
    }
}

fn visitor_post(target: PostTarget, contact: Uuid, body: String, at: i64) -> NewPost {
    post(target, MessageKind::Visitor, contact, None, body, at)
}

fn reply_post(target: PostTarget, body: String, at: i64) -> NewPost {
    post(target, MessageKind::Reply, Uuid::nil(), Some("Support".into()), body, at)
}
