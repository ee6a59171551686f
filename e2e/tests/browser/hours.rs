//! Business hours from Settings: with the team closed all week the widget open
//! on a visitor's page turns to its offline mode at once, though an agent is
//! online; with business hours off again it comes back.

use crate::harness::*;
use shared::api::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_business_hours_the_widget_shows_its_offline_mode() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("hours_admin", |admin| async move {
        admin.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        with_browser("hours_visitor", |visitor| async move {
            visitor.open_widget(&site).await?;
            visitor.until("the team online", "document.querySelector('#team-status .pip.on')").await?;
            assert!(visitor.js("return !document.querySelector('#offline-notice')").await?.as_bool().unwrap_or(false));

            // Closed all week, in Madrid.
            admin.click("#nav-settings").await?;
            admin.until_text("#settings-hours .hours-day[data-day=monday]", "Monday").await?;
            for _ in 0..5 {
                admin.click("#settings-hours .remove-span").await?;
            }
            admin.until("every day closed", "document.querySelectorAll('#settings-hours .span').length === 0").await?;
            admin.find("#hours-zone").await?.clear().await?;
            admin.type_into("#hours-zone", "Europe/Madrid").await?;
            admin.click("#hours-enabled").await?;
            admin.click("#hours-save").await?;
            admin.until_text("#hours-status", "Saved").await?;
            let hours: BusinessHours = server.get("/api/v1/settings/business-hours", &server.admin.access_token).await;
            assert!(hours.enabled && hours.intervals.is_empty());
            assert_eq!(hours.time_zone, "Europe/Madrid");
            visitor.find("#offline-notice").await?;
            visitor.until_text("#team-status", "Away").await?;

            // A bad time zone is refused, and said so.
            admin.find("#hours-zone").await?.clear().await?;
            admin.type_into("#hours-zone", "Atlantis/Capital").await?;
            admin.click("#hours-save").await?;
            admin.until_text("#hours-status.error", "time zone").await?;

            // Business hours off: the team is there again.
            admin.find("#hours-zone").await?.clear().await?;
            admin.type_into("#hours-zone", "Europe/Madrid").await?;
            admin.click("#hours-enabled").await?;
            admin.click("#hours-save").await?;
            admin.until_text("#hours-status", "Saved").await?;
            visitor.until_gone("#offline-notice").await?;
            visitor.until("the team online", "document.querySelector('#team-status .pip.on')").await?;
            Ok(())
        })
        .await;
        Ok(())
    })
    .await;
}
