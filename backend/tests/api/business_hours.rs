//! Business hours on the injected clock, in a time zone with a half-hour offset:
//! visitors find the team away before opening and from closing time on, even
//! with an agent online, and their open widgets learn it at the very minute.

use crate::helpers::{TestApp, Ws};
use crate::on_both_databases;
use chrono::{DateTime, Duration, Timelike, Utc};
use serde_json::json;
use shared::ErrorCode;
use shared::api::*;
use shared::frames::VisitorServerFrame;

on_both_databases!(visitors_find_the_team_away_outside_business_hours);

/// A visitor's socket and whether its `ready` frame said the team is there.
async fn visitor_socket(app: &TestApp, visitor: &WidgetSession) -> (Ws, bool) {
    let mut ws = app.ws("/api/v1/ws/visitor", &visitor.token, None).await.expect("visitor socket");
    match ws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::Ready { .. })).await {
        VisitorServerFrame::Ready { team_online, .. } => (ws, team_online),
        _ => unreachable!(),
    }
}

async fn next_team_online(ws: &mut Ws) -> bool {
    match ws.until(|f: &VisitorServerFrame| matches!(f, VisitorServerFrame::TeamOnline { .. })).await {
        VisitorServerFrame::TeamOnline { online } => online,
        _ => unreachable!(),
    }
}

/// The next whole minute after `now` plus one, in Kolkata (UTC+5:30), not
/// within five minutes of its midnight (the clock is moved past it first).
async fn opening_minute(app: &TestApp) -> DateTime<chrono_tz::Tz> {
    let kolkata = |at: DateTime<Utc>| at.with_timezone(&chrono_tz::Asia::Kolkata);
    if kolkata(app.state.now()).hour() == 23 && kolkata(app.state.now()).minute() >= 54 {
        app.clock.advance(Duration::minutes(7));
    }
    let now = app.state.now();
    let whole = now - Duration::nanoseconds(i64::from(now.nanosecond())) - Duration::seconds(i64::from(now.second()));
    kolkata(whole + Duration::minutes(2))
}

fn weekday(local: chrono::Weekday) -> Weekday {
    Weekday::ALL[local.num_days_from_monday() as usize]
}

async fn visitors_find_the_team_away_outside_business_hours(app: TestApp) {
    let admin = app.admin_token().to_owned();
    let ana = app.new_agent("Ana", Role::Agent).await;
    let path = "/api/v1/settings/business-hours";

    // The default: off, ready to switch on for weekdays 9 to 5.
    let default: BusinessHours = app.get(path, &ana.access_token).await.json(200);
    assert!(!default.enabled);
    assert_eq!(default.intervals.len(), 5);

    // Checked whole before anything is stored.
    let with = |zone: &str, open: &str, close: &str| json!({"enabled": true, "time_zone": zone, "intervals": [{"day": "monday", "open": open, "close": close}]});
    for bad in [
        with("Mars/Olympus", "09:00", "17:00"),
        with("UTC", "17:00", "09:00"),
        with("UTC", "09:00", "24:30"),
        with("UTC", "9:00", "17:00"),
    ] {
        app.put(path, &admin, &bad).await.error(422, ErrorCode::ValidationFailed);
    }
    let many: Vec<_> = (0..51).map(|_| json!({"day": "monday", "open": "09:00", "close": "10:00"})).collect();
    let too_many = json!({"enabled": true, "time_zone": "UTC", "intervals": many});
    app.put(path, &admin, &too_many).await.error(422, ErrorCode::ValidationFailed);
    let sunday_ish = json!({"enabled": true, "time_zone": "UTC", "intervals": [{"day": "someday", "open": "09:00", "close": "10:00"}]});
    app.put(path, &admin, &sunday_ish).await.error(400, ErrorCode::MalformedRequest);
    app.put(path, &ana.access_token, &with("UTC", "09:00", "17:00")).await.error(403, ErrorCode::AdminOnly);
    assert_eq!(app.get(path, &admin).await.json::<BusinessHours>(200), default);

    // Open today for two minutes, starting two minutes from now, in Kolkata.
    let opens = opening_minute(&app).await;
    let closes = opens + Duration::minutes(2);
    let hours = json!({"enabled": true, "time_zone": " Asia/Kolkata ", "intervals": [{
        "day": weekday(chrono::Datelike::weekday(&opens)),
        "open": opens.format("%H:%M").to_string(),
        "close": closes.format("%H:%M").to_string(),
    }]});
    let stored: BusinessHours = app.put(path, &admin, &hours).await.json(200);
    assert_eq!(stored.time_zone, "Asia/Kolkata");
    assert_eq!(app.get(path, &ana.access_token).await.json::<BusinessHours>(200), stored);

    // Ana is online, but it is before opening time.
    let visitor = app.new_visitor().await;
    let (mut ws, there) = visitor_socket(&app, &visitor).await;
    assert!(!there, "closed before opening");

    // The opening minute, to the millisecond: open. A visitor arriving now finds the team.
    app.clock.advance(opens.with_timezone(&Utc) - app.state.now());
    assert!(next_team_online(&mut ws).await);
    let (_, there) = visitor_socket(&app, &app.new_visitor().await).await;
    assert!(there);

    // The closing minute: away again, Ana still online.
    app.clock.advance(closes.with_timezone(&Utc) - app.state.now());
    assert!(!next_team_online(&mut ws).await);
    let (_, there) = visitor_socket(&app, &app.new_visitor().await).await;
    assert!(!there);

    // Business hours off: the team is there again at once.
    let off = json!({"enabled": false, "time_zone": "Asia/Kolkata", "intervals": []});
    let _: BusinessHours = app.put(path, &admin, &off).await.json(200);
    assert!(next_team_online(&mut ws).await);
}
