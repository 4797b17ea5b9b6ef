//! `jemput token create|list|revoke`: access tokens, admin only. A field
//! token for a team takes its villages from the team's itinerary in a plan
//! (the newest, or `--plan`), so the team records only where it was sent.

use std::collections::BTreeSet;

use jemput_proto::{
    auth::{CreateTokenRequest, ListTokensRequest, RevokeTokenRequest, Token},
    optimizer::{GetPlanRequest, ListPlansRequest},
};
use serde::Serialize;

use crate::{
    cli::{TokenCreateArgs, TokenRevokeArgs},
    client::{Optimizer, Registry},
    error::CliError,
    output::{Align, Report, Table},
};

/// A token as listed: no secret.
#[derive(Debug, Clone, Serialize)]
pub struct TokenRow {
    pub name: String,
    pub role: String,
    pub display_name: String,
    pub team: String,
    pub villages: Vec<String>,
    pub plan: String,
    pub created: String,
    pub expires: Option<String>,
    pub revoked: Option<String>,
}

fn when(time: Option<&prost_types::Timestamp>) -> Option<String> {
    time.and_then(|t| chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

fn role_name(role: i32) -> String {
    jemput_auth::Role::from_pb(role).map_or_else(|| "unspecified".into(), |r| r.to_string())
}

impl From<Token> for TokenRow {
    fn from(token: Token) -> TokenRow {
        TokenRow {
            role: role_name(token.role),
            created: when(token.create_time.as_ref()).unwrap_or_default(),
            expires: when(token.expire_time.as_ref()),
            revoked: when(token.revoke_time.as_ref()),
            name: token.name,
            display_name: token.display_name,
            team: token.team,
            villages: token.villages,
            plan: token.plan,
        }
    }
}

/// A new token: the secret, once.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedToken {
    pub token: String,
    pub role: String,
    pub name: String,
    pub team: String,
    pub villages: Vec<String>,
    pub plan: String,
    pub expires: Option<String>,
}

impl Report for CreatedToken {
    fn to_human(&self) -> String {
        let mut out = format!("{}\n\n{} ({})", self.token, self.name, self.role);
        if !self.team.is_empty() {
            out.push_str(&format!(", team {:?}", self.team));
        }
        if !self.villages.is_empty() {
            out.push_str(&format!(", {} villages", self.villages.len()));
            if !self.plan.is_empty() {
                out.push_str(&format!(" of {}", self.plan));
            }
        }
        match &self.expires {
            Some(at) => out.push_str(&format!(", valid until {at}")),
            None => out.push_str(", valid until revoked"),
        }
        out.push_str(
            "\nThis is the only time the token is shown: only its hash is kept. Give it as JEMPUT_TOKEN.",
        );
        out
    }
}

/// The villages of `team` in `plan` (the newest plan if none is named).
async fn team_villages(
    optimizer: &mut Optimizer,
    team: &str,
    plan: Option<&str>,
) -> Result<(String, Vec<String>), CliError> {
    let name = match plan {
        Some(plan) if plan.starts_with("plans/") => plan.to_string(),
        Some(plan) => format!("plans/{plan}"),
        None => optimizer
            .client
            .list_plans(ListPlansRequest {
                page_size: 1,
                ..Default::default()
            })
            .await
            .map_err(|status| optimizer.error(status))?
            .into_inner()
            .plans
            .into_iter()
            .next()
            .map(|p| p.name)
            .ok_or_else(|| {
                CliError::Usage(
                    "no plan yet to take the team's villages from: make one with `jemput plan`, or give --village".into(),
                )
            })?,
    };
    let plan = optimizer
        .client
        .get_plan(GetPlanRequest { name: name.clone() })
        .await
        .map_err(|status| optimizer.error(status))?
        .into_inner();
    let Some(itinerary) = plan.teams.iter().find(|t| t.display_name == team) else {
        let teams: Vec<&str> = plan.teams.iter().map(|t| t.display_name.as_str()).collect();
        return Err(CliError::Usage(format!(
            "{name} has no team {team:?} (it has {})",
            teams.join(", ")
        )));
    };
    let villages: BTreeSet<String> = itinerary
        .days
        .iter()
        .flat_map(|d| &d.stops)
        .map(|s| s.region.clone())
        .collect();
    Ok((name, villages.into_iter().collect()))
}

pub async fn create(
    registry: &mut Registry,
    optimizer: Option<&mut Optimizer>,
    args: &TokenCreateArgs,
) -> Result<CreatedToken, CliError> {
    let team = args.team.clone().unwrap_or_default();
    let (plan, villages) = match (args.role, optimizer) {
        (jemput_auth::Role::Field, Some(optimizer))
            if args.villages.is_empty() && !team.is_empty() =>
        {
            team_villages(optimizer, &team, args.plan.as_deref()).await?
        }
        _ => (args.plan.clone().unwrap_or_default(), args.villages.clone()),
    };
    let expire_time = args.expires.map(|d| {
        let at = chrono::Utc::now() + d;
        prost_types::Timestamp {
            seconds: at.timestamp(),
            nanos: 0,
        }
    });
    let created = registry
        .tokens
        .create_token(CreateTokenRequest {
            role: args.role.to_pb().into(),
            display_name: args.name.clone().unwrap_or_default(),
            team,
            villages,
            plan,
            expire_time,
        })
        .await
        .map_err(|status| registry.error(status))?
        .into_inner();
    let row = TokenRow::from(created.token.unwrap_or_default());
    Ok(CreatedToken {
        token: created.secret,
        role: row.role,
        name: row.name,
        team: row.team,
        villages: row.villages,
        plan: row.plan,
        expires: row.expires,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct TokenList {
    pub tokens: Vec<TokenRow>,
}

impl Report for TokenList {
    fn to_human(&self) -> String {
        let mut table = Table::new(vec![
            ("name", Align::Left),
            ("role", Align::Left),
            ("for", Align::Left),
            ("team", Align::Left),
            ("villages", Align::Right),
            ("created", Align::Left),
            ("state", Align::Left),
        ]);
        for t in &self.tokens {
            let state = match (&t.revoked, &t.expires) {
                (Some(at), _) => format!("revoked {at}"),
                (None, Some(at)) => format!("until {at}"),
                (None, None) => "active".into(),
            };
            table.row(vec![
                t.name.clone(),
                t.role.clone(),
                t.display_name.clone(),
                t.team.clone(),
                if t.villages.is_empty() {
                    "all".into()
                } else {
                    t.villages.len().to_string()
                },
                t.created.clone(),
                state,
            ]);
        }
        table.render().trim_end().to_string()
    }
}

pub async fn list(registry: &mut Registry) -> Result<TokenList, CliError> {
    let mut tokens = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = registry
            .tokens
            .list_tokens(ListTokensRequest {
                page_size: 1000,
                page_token,
            })
            .await
            .map_err(|status| registry.error(status))?
            .into_inner();
        tokens.extend(page.tokens.into_iter().map(TokenRow::from));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    Ok(TokenList { tokens })
}

#[derive(Debug, Clone, Serialize)]
pub struct Revoked {
    pub token: TokenRow,
}

impl Report for Revoked {
    fn to_human(&self) -> String {
        format!(
            "{} ({}) is revoked{}.",
            self.token.name,
            self.token.role,
            self.token
                .revoked
                .as_ref()
                .map(|at| format!(" since {at}"))
                .unwrap_or_default()
        )
    }
}

pub async fn revoke(registry: &mut Registry, args: &TokenRevokeArgs) -> Result<Revoked, CliError> {
    let name = if args.id.starts_with("tokens/") {
        args.id.clone()
    } else {
        format!("tokens/{}", args.id)
    };
    let token = registry
        .tokens
        .revoke_token(RevokeTokenRequest { name })
        .await
        .map_err(|status| registry.error(status))?
        .into_inner();
    Ok(Revoked {
        token: token.into(),
    })
}
