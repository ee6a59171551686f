use super::*;
use chrono::{Duration, TimeZone, Utc};
use uuid::Uuid;

fn t(secs: i64) -> Timestamp {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).single().unwrap_or_default()
}

fn agent(n: u128) -> AgentId {
    AgentId(Uuid::from_u128(n))
}

fn group(n: u128) -> GroupId {
    GroupId(Uuid::from_u128(1000 + n))
}

const ANA: u128 = 1;
const BEN: u128 = 2;
const CAT: u128 = 3;
const SALES: u128 = 1;

/// Ana and Ben are in Sales; Cat is not. `online` lists who is online.
fn team(online: &[u128]) -> Team {
    Team {
        agents: [ANA, BEN, CAT].into_iter().map(agent).collect(),
        online: online.iter().copied().map(agent).collect(),
        groups: [(group(SALES), [ANA, BEN].into_iter().map(agent).collect())].into(),
    }
}

fn waiting(assignee: Option<u128>, grp: Option<u128>, since: i64) -> DotConversation {
    DotConversation {
        closed: false,
        assignee: assignee.map(agent),
        group: grp.map(group),
        awaiting_reply_since: Some(t(since)),
        last_visitor_seq: Some(since),
    }
}

fn viewer(who: u128, read_seq: Option<i64>) -> DotViewer {
    DotViewer { agent: agent(who), last_read_seq: read_seq }
}

const MISSED: Duration = Duration::seconds(30);

fn check(conv: DotConversation, v: Option<DotViewer>, online: &[u128], now: i64, want: Dot) {
    let got = dot(&conv, v.as_ref(), &team(online), t(now), MISSED);
    assert_eq!(got, want, "conv={conv:?} viewer={v:?} online={online:?} now={now}");
}

#[test]
fn closed_is_always_none() {
    let mut conv = waiting(None, None, 0);
    conv.closed = true;
    check(conv, Some(viewer(ANA, None)), &[], 100, Dot::None);
    check(conv, Some(viewer(ANA, None)), &[ANA], 1, Dot::None);
}

#[test]
fn unassigned_new_conversation_is_purple_for_everyone_until_they_open_it() {
    let conv = waiting(None, None, 0);
    check(conv, Some(viewer(ANA, None)), &[ANA], 1, Dot::Purple);
    check(conv, Some(viewer(CAT, None)), &[ANA], 1, Dot::Purple);
    check(conv, Some(viewer(ANA, Some(2))), &[ANA], 3, Dot::None);
    // Having read up to an earlier message does not count.
    let mut again = conv;
    again.last_visitor_seq = Some(5);
    check(again, Some(viewer(ANA, Some(2))), &[ANA], 6, Dot::Purple);
}

#[test]
fn assigned_conversation_is_purple_only_for_the_assignee() {
    let conv = waiting(Some(ANA), None, 0);
    check(conv, Some(viewer(ANA, None)), &[ANA], 1, Dot::Purple);
    check(conv, Some(viewer(BEN, None)), &[ANA], 1, Dot::None);
    check(conv, Some(viewer(ANA, Some(1))), &[ANA], 2, Dot::None);
}

#[test]
fn group_conversation_is_purple_for_members_only() {
    let conv = waiting(None, Some(SALES), 0);
    check(conv, Some(viewer(ANA, None)), &[ANA], 1, Dot::Purple);
    check(conv, Some(viewer(BEN, None)), &[ANA], 1, Dot::Purple);
    check(conv, Some(viewer(CAT, None)), &[ANA], 1, Dot::None);
    // An agent assignee takes precedence over the group.
    let conv = waiting(Some(CAT), Some(SALES), 0);
    check(conv, Some(viewer(ANA, None)), &[CAT], 1, Dot::None);
    check(conv, Some(viewer(CAT, None)), &[CAT], 1, Dot::Purple);
}

#[test]
fn red_after_the_deadline_for_every_viewer_even_when_read() {
    let conv = waiting(Some(ANA), None, 0);
    check(conv, Some(viewer(ANA, Some(1))), &[ANA], 29, Dot::None);
    check(conv, Some(viewer(ANA, None)), &[ANA], 29, Dot::Purple);
    for who in [ANA, BEN, CAT] {
        check(conv, Some(viewer(who, Some(1))), &[ANA], 30, Dot::Red);
        check(conv, Some(viewer(who, None)), &[ANA], 31, Dot::Red);
    }
    check(conv, None, &[ANA], 30, Dot::Red);
}

#[test]
fn red_when_every_assigned_agent_is_offline() {
    // Assignee offline, others online.
    check(waiting(Some(ANA), None, 0), Some(viewer(BEN, None)), &[BEN, CAT], 1, Dot::Red);
    // Assignee back online clears it (before the deadline).
    check(waiting(Some(ANA), None, 0), Some(viewer(BEN, None)), &[ANA], 1, Dot::None);
    // Group: red only when no member is online.
    check(waiting(None, Some(SALES), 0), Some(viewer(CAT, None)), &[CAT], 1, Dot::Red);
    check(waiting(None, Some(SALES), 0), Some(viewer(CAT, None)), &[BEN], 1, Dot::None);
    // Unassigned: red only when nobody at all is online.
    check(waiting(None, None, 0), Some(viewer(CAT, Some(1))), &[], 1, Dot::Red);
    check(waiting(None, None, 0), Some(viewer(CAT, Some(1))), &[CAT], 1, Dot::None);
}

#[test]
fn answered_is_none_for_everyone() {
    let mut conv = waiting(Some(ANA), None, 0);
    conv.awaiting_reply_since = None;
    for who in [ANA, BEN] {
        check(conv, Some(viewer(who, None)), &[], 100, Dot::None);
    }
    let mut unassigned = waiting(None, None, 0);
    unassigned.awaiting_reply_since = None;
    check(unassigned, Some(viewer(CAT, None)), &[CAT], 1, Dot::None);
}

#[test]
fn red_takes_precedence_over_purple() {
    check(waiting(None, None, 0), Some(viewer(ANA, None)), &[ANA], 45, Dot::Red);
}

#[test]
fn api_key_viewer_sees_purple_only_for_unassigned() {
    check(waiting(None, None, 0), None, &[ANA], 1, Dot::Purple);
    check(waiting(Some(ANA), None, 0), None, &[ANA], 1, Dot::None);
}

#[test]
fn conversation_without_visitor_message_has_no_dot() {
    let conv = DotConversation {
        closed: false,
        assignee: None,
        group: None,
        awaiting_reply_since: None,
        last_visitor_seq: None,
    };
    check(conv, Some(viewer(ANA, None)), &[], 100, Dot::None);
}

#[test]
fn deadline_is_since_plus_missed_after() {
    let conv = waiting(None, None, 10);
    assert_eq!(missed_deadline(&conv, MISSED), Some(t(40)));
    let mut closed = conv;
    closed.closed = true;
    assert_eq!(missed_deadline(&closed, MISSED), None);
}

#[test]
fn marked_unread_is_purple_for_that_viewer_only_until_closed_or_red() {
    // Answered, assigned to Ben: nothing for anyone, until Ana marks it unread.
    let mut conv = waiting(Some(BEN), None, 0);
    conv.awaiting_reply_since = None;
    check(conv, Some(viewer(ANA, Some(5))), &[ANA, BEN], 100, Dot::None);
    check(conv, Some(viewer(ANA, Some(MARKED_UNREAD))), &[ANA, BEN], 100, Dot::Purple);
    check(conv, Some(viewer(BEN, Some(5))), &[ANA, BEN], 100, Dot::None);
    check(conv, None, &[ANA, BEN], 100, Dot::None);
    // Red wins; closed shows nothing.
    let waiting_long = waiting(Some(BEN), None, 0);
    check(waiting_long, Some(viewer(ANA, Some(MARKED_UNREAD))), &[ANA, BEN], 100, Dot::Red);
    conv.closed = true;
    check(conv, Some(viewer(ANA, Some(MARKED_UNREAD))), &[ANA, BEN], 100, Dot::None);
}
