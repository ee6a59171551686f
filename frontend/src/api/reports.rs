//! Reports (admins).

use super::{ApiResult, Authed, Failure, failure_of};
use gloo_net::http::Request;
use shared::Page;
use shared::api::{ConversationsReport, MissedEpisode, RatingsReport};

impl Authed {
    /// A page of the missed history for `query` (from, to, cursor, limit).
    pub async fn missed_history(&self, query: &[(&str, String)]) -> ApiResult<Page<MissedEpisode>> {
        self.get("/api/v1/reports/missed", query).await
    }

    /// The missed history as CSV text.
    pub async fn missed_csv(&self, query: &[(&str, String)]) -> ApiResult<String> {
        self.csv("/api/v1/reports/missed.csv", query).await
    }

    /// The ratings in a range: figures and the latest.
    pub async fn ratings_report(&self, query: &[(&str, String)]) -> ApiResult<RatingsReport> {
        self.get("/api/v1/reports/ratings", query).await
    }

    /// The ratings as CSV text.
    pub async fn ratings_csv(&self, query: &[(&str, String)]) -> ApiResult<String> {
        self.csv("/api/v1/reports/ratings.csv", query).await
    }

    /// The conversations that started in a range: per day, per hour, response and resolution times, replies.
    pub async fn conversations_report(&self, query: &[(&str, String)]) -> ApiResult<ConversationsReport> {
        self.get("/api/v1/reports/conversations", query).await
    }

    /// The conversations of the range as CSV text (one row each).
    pub async fn conversations_csv(&self, query: &[(&str, String)]) -> ApiResult<String> {
        self.csv("/api/v1/reports/conversations.csv", query).await
    }

    /// Replies by agent as CSV text.
    pub async fn agents_csv(&self, query: &[(&str, String)]) -> ApiResult<String> {
        self.csv("/api/v1/reports/agents.csv", query).await
    }

    pub(crate) async fn csv(&self, path: &str, query: &[(&str, String)]) -> ApiResult<String> {
        let response =
            self.send(|| Request::get(path).query(query.iter().map(|(k, v)| (*k, v.as_str()))), None).await?;
        if !response.ok() {
            return Err(failure_of(response).await);
        }
        response.text().await.map_err(Failure::local)
    }
}
