//! What happens on one node is seen live on the others.

use super::harness::{Cluster, Options, metric};
use shared::api::*;
use shared::dot::Dot;
use shared::events::Event;
use shared::frames::*;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_on_one_node_sees_a_visitor_on_another() {
    let Some(cluster) = Cluster::start(3, Options::default()).await else { return };
    let (a, b, c) = (cluster.node(0), cluster.node(1), cluster.node(2));
    let (mut agent, _) = a.agent_ws(a.admin_token(), None).await;

    // Another agent comes online on C.
    let ben = a.new_offline_agent("Ben", Role::Agent).await;
    let (_ben_ws, _) = c.agent_ws(&ben.access_token, None).await;
    agent.until(|f| matches!(f, AgentServerFrame::Presence(p) if p.agent_id == ben.agent.id && p.online)).await;

    // A visitor on C: online, on their page.
    let visitor = c.new_visitor().await;
    let mut vws = c.visitor_ws(&visitor.token, None).await;
    let cart = Some("https://shop.example/cart".to_owned());
    agent
        .until(|f| {
            matches!(f, AgentServerFrame::Visitor(p) if p.contact_id == visitor.contact_id && p.online && p.page == cart)
        })
        .await;

    // Their message, with the conversation's dot for the agent on A.
    vws.send(&VisitorClientFrame::Send { body: "hello from C".into(), client_id: "c1".into(), attachment_ids: vec![] })
        .await;
    vws.until(|f| matches!(f, VisitorServerFrame::Ack { .. })).await;
    let created = agent
        .until(|f| {
            matches!(f, AgentServerFrame::Event { event: Event::MessageCreated { message, .. }, .. } if message.body == "hello from C")
        })
        .await;
    let AgentServerFrame::Event { event: Event::MessageCreated { message, conversation: Some(conversation) }, .. } =
        created
    else {
        panic!("the message event carries its conversation")
    };
    let conv = message.conversation_id;
    assert_eq!(conversation.dot, Dot::Purple, "unassigned and waiting");

    // Typing and page changes cross nodes.
    vws.send(&VisitorClientFrame::Typing { typing: true }).await;
    agent
        .until(|f| {
            matches!(f, AgentServerFrame::Typing { conversation_id, typist: Typist::Visitor, typing: true } if *conversation_id == conv)
        })
        .await;
    vws.send(&VisitorClientFrame::Page { url: "https://shop.example/checkout".into() }).await;
    agent
        .until(|f| {
            matches!(f, AgentServerFrame::Visitor(p) if p.contact_id == visitor.contact_id && p.page.as_deref() == Some("https://shop.example/checkout"))
        })
        .await;

    // The agent on A types, answers through B: the visitor on C sees both.
    agent.send(&AgentClientFrame::Typing { conversation_id: conv, typing: true, kind: PostKind::Reply }).await;
    vws.until(|f| matches!(f, VisitorServerFrame::Typing { typing: true, .. })).await;
    b.agent_says(b.admin_token(), conv, PostKind::Reply, "hi from B").await;
    vws.until(|f| matches!(f, VisitorServerFrame::Message { message, .. } if message.body == "hi from B")).await;
    let replied = agent
        .until(|f| {
            matches!(f, AgentServerFrame::Event { event: Event::MessageCreated { message, .. }, .. } if message.body == "hi from B")
        })
        .await;
    let AgentServerFrame::Event { event: Event::MessageCreated { conversation: Some(conversation), .. }, .. } = replied
    else {
        panic!("the reply event carries its conversation")
    };
    assert_eq!(conversation.dot, Dot::None, "answered");

    // The visitor leaves C: the agent on A sees it.
    vws.close().await;
    agent.until(|f| matches!(f, AgentServerFrame::Visitor(p) if p.contact_id == visitor.contact_id && !p.online)).await;
}

/// The 30-second rule (here 1 s) runs on every node; exactly one announces.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_missed_rule_announces_once_for_the_cluster() {
    let Some(cluster) = Cluster::start(3, Options { missed_after_secs: Some(1) }).await else { return };
    let (a, b) = (cluster.node(0), cluster.node(1));
    let (mut agent, _) = a.agent_ws(a.admin_token(), None).await;
    let visitor = b.new_visitor().await;
    let conv = b.visitor_says(&visitor, "anyone there?").await;
    let is_red = |f: &AgentServerFrame| {
        matches!(f, AgentServerFrame::Event { event: Event::ConversationUpdated { conversation }, .. }
            if conversation.id == conv && conversation.missed_at.is_some())
    };
    agent.until(is_red).await;

    // Every node has woken at the deadline and looked.
    for node in &cluster.nodes {
        wait_for(|| async { metric(&node.remote, "natter_missed_rule_runs_total{cause=\"deadline\"}").await >= 1.0 })
            .await;
    }
    assert_eq!(cluster.metric("natter_missed_changes_total{change=\"announced\"}").await, 1.0);
    // And no second announcement is in the log before a later event.
    let barrier = a.agent_says(a.admin_token(), conv, PostKind::Comment, "barrier").await;
    loop {
        let frame: AgentServerFrame = agent.next().await;
        assert!(!is_red(&frame), "announced twice: {frame:?}");
        if matches!(&frame, AgentServerFrame::Event { event: Event::MessageCreated { message, .. }, .. } if message.id == barrier.id)
        {
            break;
        }
    }
}

/// Polls `condition` until it holds (a guard of 20 s, not a sleep to wait out).
pub async fn wait_for<F, Fut>(condition: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let give_up = tokio::time::Instant::now() + Duration::from_secs(20);
    while !condition().await {
        assert!(tokio::time::Instant::now() < give_up, "the condition never held");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
