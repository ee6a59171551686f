//! The widget's rating after close: the agent closes the conversation, the
//! visitor's chat offers to rate it (its own small page under the thread), the
//! visitor gives four stars and a comment, and the agent sees them in the thread.
//! The Reports page shows it with its chart and exports it. A reload shows the
//! thanks, not the question again; writing again reopens the conversation and
//! the prompt goes.

use crate::harness::*;
use fantoccini::key::Key;
use shared::api::*;
use shared::{ConversationId, Page};

async fn rating_of(server: &Server, visitor: &str) -> Option<u8> {
    let thread: WidgetConversation = server.get("/api/v1/widget/conversation", visitor).await;
    thread.conversation.and_then(|c| c.rating)
}

async fn enter_rating(b: &Browser) -> TestResult {
    b.find("#rating-frame").await?.enter_frame().await?;
    b.until("the rating form", "document.getElementById('rating')?.hidden === false").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visitor_rates_a_closed_conversation_and_the_agent_sees_it() {
    let server = Server::start().await;
    let key = site_key(&server).await;
    let site = HostSite::start(&server, &key, "").await;
    with_browser("rating_agent", |agent| async move {
        agent.sign_in(&server, ADMIN_EMAIL, ADMIN_PASSWORD).await?;
        with_browser("rating_visitor", |visitor| async move {
            visitor.open_widget(&site).await?;
            visitor.type_into("#widget-input", "Can I change my delivery address?").await?;
            visitor.press("#widget-input", &Key::Enter).await?;
            visitor.until_text("#chat-body .row.mine", "delivery address").await?;
            let token = crate::widget::visitor_token(&visitor).await?;
            let page: Page<Conversation> = server.get("/api/v1/conversations", &server.admin.access_token).await;
            let conv: ConversationId = page.items[0].id;
            assert!(visitor.js("return !document.getElementById('rating-frame')").await?.as_bool().unwrap_or(false));

            // The agent answers and closes: the visitor is asked.
            agent.click(&card(conv)).await?;
            agent.type_into("#composer-input", "Yes, done. Anything else?").await?;
            agent.press("#composer-input", &Key::Enter).await?;
            agent.click("#action-close").await?;
            enter_rating(&visitor).await?;
            visitor.until_text("#rating-ask", "How was this conversation?").await?;
            visitor.click(".star[data-score='4']").await?;
            visitor.find(".star.on[data-score='4']").await?;
            assert_eq!(visitor.js("return document.querySelectorAll('.star.on').length").await?.as_i64(), Some(4));
            visitor.type_into("#rating-comment", "Fast and friendly").await?;
            visitor.click("#rating-send").await?;
            visitor.until("the thanks", "document.getElementById('rating-thanks')?.hidden === false").await?;
            assert_eq!(rating_of(&server, &token).await, Some(4));

            // The agent sees it in the thread.
            agent.until_text("#thread .msg.system", "(4/5)").await?;
            agent.until_text("#thread .msg.system", "Fast and friendly").await?;

            // The Reports page: the figures, the chart, the comment, and the CSV.
            agent.click("#nav-reports").await?;
            agent.until_text("#ratings-count", "1").await?;
            agent.until_text("#ratings-average", "4.0").await?;
            agent.find("#ratings-chart svg").await?;
            agent.until_text(&format!("#ratings-table tr[data-conversation='{conv}']"), "Fast and friendly").await?;
            agent
                .js("window.__csv = null; const make = URL.createObjectURL; \
                     URL.createObjectURL = blob => { blob.text().then(t => window.__csv = t); return make(blob); }; return 1")
                .await?;
            agent.click("#ratings-csv").await?;
            agent.until("the CSV", "window.__csv && window.__csv.startsWith('conversation_id,rated_at')").await?;
            let csv = agent.js("return window.__csv").await?;
            assert!(csv.as_str().unwrap_or_default().contains(",4,\"Fast and friendly\","), "{csv}");

            // After a reload: thanks, not the question again.
            visitor.open_widget(&site).await?;
            visitor.find("#rating-frame").await?.enter_frame().await?;
            visitor.until("the thanks", "document.getElementById('rating-thanks')?.hidden === false").await?;
            assert!(visitor.js("return document.getElementById('rating').hidden").await?.as_bool().unwrap_or(false));
            // Back out of the rating frame into the chat's.
            visitor.leave_chat().await?;

            // Writing again reopens the conversation: the prompt goes.
            visitor.type_into("#widget-input", "One more question").await?;
            visitor.press("#widget-input", &Key::Enter).await?;
            visitor.until_gone("#rating-frame").await?;
            Ok(())
        })
        .await;
        Ok(())
    })
    .await;
}
