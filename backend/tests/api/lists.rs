//! Filters, search and cursor pagination.

use crate::helpers::TestApp;
use crate::on_both_databases;
use backend::domain::search;
use sea_orm::EntityTrait;
use serde_json::json;
use shared::api::*;
use shared::{ConversationId, Page};
use std::collections::HashSet;

on_both_databases!(
    conversation_pages_filters_and_search,
    message_pages,
    a_word_in_thousands_of_messages_is_found_too,
    a_word_in_thousands_of_contacts_is_found_too
);

async fn all_pages(app: &TestApp, query: &str) -> Vec<Conversation> {
    pages_of(app, query, 2).await
}

/// Every conversation the list gives for `query`, `limit` a page.
async fn pages_of(app: &TestApp, query: &str, limit: usize) -> Vec<Conversation> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/conversations?{query}&limit={limit}&cursor={c}"),
            None => format!("/api/v1/conversations?{query}&limit={limit}"),
        };
        let page: Page<Conversation> = app.get(&path, app.admin_token()).await.json(200);
        assert!(page.items.len() <= limit);
        items.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return items,
        }
    }
}

async fn conversation_pages_filters_and_search(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let mut convs: Vec<ConversationId> = Vec::new();
    for i in 0..5 {
        let visitor = app.new_visitor().await;
        if i == 2 {
            let named = json!({"name": "Zoë Quartz", "email": "zoe@quartz.example"});
            app.patch("/api/v1/widget/contact", &visitor.token, &named).await.json::<VisitorContact>(200);
        }
        let text = if i == 4 { "my invoice 100% wrong" } else { "hello" };
        convs.push(app.visitor_says(&visitor, text).await);
        app.clock.advance(chrono::Duration::seconds(1));
    }
    // Newest activity first, every conversation once.
    let listed = all_pages(&app, "filter=open").await;
    let ids: Vec<ConversationId> = listed.iter().map(|c| c.id).collect();
    let mut expected = convs.clone();
    expected.reverse();
    assert_eq!(ids, expected);
    // Activity moves a conversation to the top.
    app.agent_says(&admin, convs[0], PostKind::Reply, "bump").await;
    let first: Page<Conversation> = app.get("/api/v1/conversations?limit=1", &admin).await.json(200);
    assert_eq!(first.items[0].id, convs[0]);
    assert_eq!(first.items[0].last_message_preview.as_deref(), Some("bump"));

    // Filters.
    app.post_empty(&format!("/api/v1/conversations/{}/close", convs[1]), &admin).await.json::<Conversation>(200);
    app.post(&format!("/api/v1/conversations/{}/assign", convs[3]), &admin, &json!({"agent_id": app.admin.agent.id}))
        .await
        .json::<Conversation>(200);
    let closed = all_pages(&app, "filter=closed").await;
    assert_eq!(closed.iter().map(|c| c.id).collect::<Vec<_>>(), vec![convs[1]]);
    let open = all_pages(&app, "filter=open").await;
    assert_eq!(open.len(), 4);
    let mine = all_pages(&app, "filter=mine").await;
    assert_eq!(mine.iter().map(|c| c.id).collect::<Vec<_>>(), vec![convs[3]]);
    let unassigned: HashSet<_> = all_pages(&app, "filter=unassigned").await.iter().map(|c| c.id).collect();
    assert_eq!(unassigned, HashSet::from([convs[0], convs[2], convs[4]]));
    assert_eq!(all_pages(&app, "filter=all").await.len(), 5);

    // Search by words: contact name and email (any case), message text; punctuation only separates words.
    for q in ["zoë", "QUARTZ.example", "Quartz"] {
        let found = all_pages(&app, &format!("filter=all&q={}", urlencode(q))).await;
        assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![convs[2]], "q={q}");
    }
    let found = all_pages(&app, "filter=all&q=100%25").await;
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![convs[4]]);
    assert!(all_pages(&app, "filter=all&q=%25%25%25x").await.is_empty());
    assert!(all_pages(&app, "filter=all&q=nothing-like-this").await.is_empty());
    // Case and accents folded, every word the start of a word, the same on both databases.
    let song = app.visitor_says(&app.new_visitor().await, "¿Tenéis la canción del anuncio?").await;
    for q in ["CANCION", "canción", "Canc", "cancion anun", "TENEIS"] {
        let found = all_pages(&app, &format!("filter=all&q={}", urlencode(q))).await;
        assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![song], "q={q}");
    }
    for q in ["ancion", "cancion zzz"] {
        assert!(all_pages(&app, &format!("filter=all&q={}", urlencode(q))).await.is_empty(), "q={q}");
    }
    // A word finds every word it starts, whether it starts a few (asked as those words) or more
    // than sixteen (asked as a prefix).
    let twenty: Vec<String> = (0..20).map(|i| format!("pre{i}x")).collect();
    let many = app.visitor_says(&app.new_visitor().await, &twenty.join(" ")).await;
    let prepaid = app.visitor_says(&app.new_visitor().await, "Prepaid, PREPARED").await;
    for (q, expected) in
        [("pre", vec![prepaid, many]), ("pre1", vec![many]), ("PRE19X", vec![many]), ("prepa", vec![prepaid])]
    {
        let found = all_pages(&app, &format!("filter=all&q={}", urlencode(q))).await;
        assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), expected, "q={q}");
    }
    assert!(all_pages(&app, "filter=all&q=pre20").await.is_empty());
    // Letters that PostgreSQL's unaccent turns into punctuation ("ŉ" → "'n", "⑴" → "(1)", "ː" → ":")
    // are words like any other, not query syntax.
    let odd = app.visitor_says(&app.new_visitor().await, "Pregunta ⑴ sobre ŉ").await;
    for q in ["⑴", "ŉ", "ŉ ⑴"] {
        let found = all_pages(&app, &format!("filter=all&q={}", urlencode(q))).await;
        assert!(found.iter().any(|c| c.id == odd), "q={q}");
    }
    for q in ["aːb", "ʼ", "ˈx"] {
        let found = all_pages(&app, &format!("filter=all&q={}", urlencode(q))).await;
        assert!(!found.iter().any(|c| c.id == odd), "q={q}");
    }
}

/// Search lists the same conversations whether a word is in a few messages or in
/// thousands. Thousands in one conversation are still read by id: walking the
/// list for them would ask every conversation.
async fn a_word_in_thousands_of_messages_is_found_too(app: TestApp) {
    use backend::clock::Clock;
    use backend::db::posts::PostTarget;
    let chatty = app.new_visitor().await;
    let now = backend::clock::millis(app.clock.now());
    let sends = (0..2_100).map(|i| {
        let body = format!("hola número {i}");
        let target = PostTarget::Visitor(chatty.contact_id);
        app.state.db.post(crate::helpers::visitor_send(target, chatty.contact_id.0, &format!("c{i}"), &body, now))
    });
    for posted in futures_util::future::join_all(sends).await {
        posted.expect("stored");
    }
    let chatty_conversation = all_pages(&app, "filter=all&q=numero").await;
    assert_eq!(chatty_conversation.len(), 1);
    let both = app.visitor_says(&app.new_visitor().await, "Hola y adiós").await;
    let farewell = app.visitor_says(&app.new_visitor().await, "Adiós").await;
    let ids = |found: Vec<Conversation>| found.iter().map(|c| c.id).collect::<Vec<_>>();
    // Thousands of messages hold "hola": the newest activity first.
    assert_eq!(ids(all_pages(&app, "filter=all&q=HOLA").await), vec![both, chatty_conversation[0].id]);
    // As the start of a word only (no message holds "hol" whole).
    assert_eq!(ids(all_pages(&app, "filter=all&q=hol").await), vec![both, chatty_conversation[0].id]);
    // Two hold "adiós".
    assert_eq!(ids(all_pages(&app, "filter=all&q=adios").await), vec![farewell, both]);
    assert_eq!(ids(all_pages(&app, "filter=all&q=hola%20adios").await), vec![both]);
    // "hola" fills the first 2,000 rows of the index with one conversation: the
    // index is read on, past them, to the other one.
    let mut holding = vec![both.0, chatty_conversation[0].id.0];
    holding.sort();
    for q in ["HOLA", "hol"] {
        let found = search::found(app.state.db.conn(), &[q]).await.expect("searched");
        assert_eq!(found, Some(search::Found { conversations: holding.clone(), contacts: Vec::new() }), "q={q}");
    }
}

/// More than 2,000 contacts hold "example" (their emails), so both lists walk
/// and ask each row; "42" is in a few names, found through the index.
async fn a_word_in_thousands_of_contacts_is_found_too(app: TestApp) {
    backend::seed::run(&app.state.settings, 2_100, 2_100).await.expect("seeded");
    let mut contacts: Vec<Contact> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/contacts?q=EXAMPLE&limit=200&cursor={c}"),
            None => "/api/v1/contacts?q=EXAMPLE&limit=200".to_owned(),
        };
        let page: Page<Contact> = app.get(&path, app.admin_token()).await.json(200);
        contacts.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(contacts.len(), 2_100);
    assert!(contacts.windows(2).all(|w| w[0].id.0 > w[1].id.0), "newest first, each once");
    // "42" starts a word of "Visitor 42" and "Visitor 420" to "Visitor 429" only.
    let few: Page<Contact> = app.get("/api/v1/contacts?q=42&limit=200", app.admin_token()).await.json(200);
    let mut names: Vec<String> = few.items.into_iter().filter_map(|c| c.name).collect();
    names.sort();
    let expected: Vec<String> =
        std::iter::once("Visitor 42".to_owned()).chain((420..430).map(|n| format!("Visitor {n}"))).collect();
    assert_eq!(names, expected);
    // Every conversation's contact holds "visitor": the conversation list walks too.
    let page: Page<Conversation> =
        app.get("/api/v1/conversations?filter=all&q=visitor&limit=200", app.admin_token()).await.json(200);
    assert_eq!(page.items.len(), 200);
    assert!(page.items.windows(2).all(|w| w[0].last_activity_at >= w[1].last_activity_at));
    let named: Page<Conversation> =
        app.get("/api/v1/conversations?filter=all&q=visitor%20427&limit=200", app.admin_token()).await.json(200);
    assert_eq!(named.items.len(), 1);
    assert_eq!(search::found(app.state.db.conn(), &["visitor"]).await.expect("searched"), None, "contacts walk");
    // A word in a message of every conversation: the conversation list walks.
    let conversations = backend::entities::conversations::Entity::find().all(app.state.db.conn()).await.expect("read");
    // One more conversation holds the word only in a message older than all of those (in capitals,
    // with an accent), and is the latest active: the walk's first, though not among the newest
    // matches the index was read for.
    let early = app.visitor_says(&app.new_visitor().await, "ÉVERYWHERE, first of all").await;
    let now = backend::clock::millis(backend::clock::Clock::now(&app.clock));
    let sends = conversations.iter().map(|c| {
        let target = backend::db::posts::PostTarget::Conversation(shared::ConversationId(c.id));
        let post = crate::helpers::visitor_send(target, c.contact_id, &c.id.to_string(), "Everywhere hello", now);
        app.state.db.post(post)
    });
    for posted in futures_util::future::join_all(sends).await {
        posted.expect("stored");
    }
    app.clock.advance(chrono::Duration::seconds(1));
    app.agent_says(app.admin_token(), early, PostKind::Reply, "Hello again").await;
    assert_eq!(search::found(app.state.db.conn(), &["everywhere"]).await.expect("searched"), None, "messages walk");
    // PostgreSQL's statistics, once gathered, say half the messages hold "everywhere": the list
    // walks before it reads the index (SQLite never does), and lists the same.
    let db = app.state.db.conn();
    if app.state.db.backend() == sea_orm::DbBackend::Postgres {
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("ANALYZE messages").await.expect("analysed");
    }
    let walks_first = search::walk_first(db, &["EVERYWHERE"]).await.expect("estimated").is_some();
    assert_eq!(walks_first, app.state.db.backend() == sea_orm::DbBackend::Postgres);
    for rare in [&["everywhere", "first"][..], &["zzz"], &["hello", "everywhere", "again"]] {
        assert!(search::walk_first(db, rare).await.expect("estimated").is_none(), "{rare:?}");
    }
    let page: Page<Conversation> =
        app.get("/api/v1/conversations?filter=all&q=EVERYWHERE&limit=200", app.admin_token()).await.json(200);
    assert_eq!(page.items.len(), 200);
    assert_eq!(page.items[0].id, early);
    assert!(page.items.windows(2).all(|w| w[0].last_activity_at >= w[1].last_activity_at));
    // Every page, each conversation once: the 2,100 and the early one.
    let everywhere = pages_of(&app, "filter=all&q=everywhere", 200).await;
    assert_eq!(everywhere.len(), 2_101);
    assert_eq!(everywhere.iter().map(|c| c.id).collect::<HashSet<_>>().len(), 2_101);

    // A word in thousands of messages of the list's last conversation (written at its last
    // activity, so it stays last): common by PostgreSQL's statistics, so the list walks first,
    // finds nothing in its first 1,000 conversations, and then reads the index, which names it.
    let last = everywhere.last().expect("listed").id;
    let contact = conversations.iter().find(|c| c.id == last.0).expect("seeded").contact_id;
    let sends = (0..2_100).map(|i| {
        let target = backend::db::posts::PostTarget::Conversation(last);
        let body = format!("marathon step {i}");
        app.state.db.post(crate::helpers::visitor_send(target, contact, &format!("marathon-{i}"), &body, now))
    });
    for posted in futures_util::future::join_all(sends).await {
        posted.expect("stored");
    }
    if app.state.db.backend() == sea_orm::DbBackend::Postgres {
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("ANALYZE messages").await.expect("analysed");
    }
    let walks_first = search::walk_first(db, &["marathon"]).await.expect("estimated").is_some();
    assert_eq!(walks_first, app.state.db.backend() == sea_orm::DbBackend::Postgres);
    let found = pages_of(&app, "filter=all&q=marathon", 50).await;
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![last]);
    assert_eq!(pages_of(&app, "filter=all&q=everywhere", 200).await.last().map(|c| c.id), Some(last));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect()
}

async fn message_pages(app: TestApp) {
    let visitor = app.new_visitor().await;
    let conv = app.visitor_says(&visitor, "m0").await;
    for i in 1..7 {
        app.agent_says(app.admin_token(), conv, PostKind::Reply, &format!("m{i}")).await;
    }
    let mut seen = Vec::new();
    let mut cursor = None::<String>;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/conversations/{conv}/messages?limit=3&cursor={c}"),
            None => format!("/api/v1/conversations/{conv}/messages?limit=3"),
        };
        let page: Page<Message> = app.get(&path, app.admin_token()).await.json(200);
        seen.extend(page.items.into_iter().map(|m| m.body));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, (0..7).rev().map(|i| format!("m{i}")).collect::<Vec<_>>());
}
