//! The roles a token can have, as the API names them and as stored.

use std::{fmt, str::FromStr};

use jemput_proto::auth as pb;

/// What a token may do; see `proto/jemput/auth/v1/auth.proto`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Admin,
    Planner,
    Budget,
    Field,
    Viewer,
    Service,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Planner,
        Role::Budget,
        Role::Field,
        Role::Viewer,
        Role::Service,
    ];

    /// The word stored in the database and accepted on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Planner => "planner",
            Role::Budget => "budget",
            Role::Field => "field",
            Role::Viewer => "viewer",
            Role::Service => "service",
        }
    }

    pub fn to_pb(self) -> pb::Role {
        match self {
            Role::Admin => pb::Role::Admin,
            Role::Planner => pb::Role::Planner,
            Role::Budget => pb::Role::Budget,
            Role::Field => pb::Role::Field,
            Role::Viewer => pb::Role::Viewer,
            Role::Service => pb::Role::Service,
        }
    }

    /// `None` for `ROLE_UNSPECIFIED` and numbers the API does not define.
    pub fn from_pb(value: i32) -> Option<Role> {
        match pb::Role::try_from(value) {
            Ok(pb::Role::Admin) => Some(Role::Admin),
            Ok(pb::Role::Planner) => Some(Role::Planner),
            Ok(pb::Role::Budget) => Some(Role::Budget),
            Ok(pb::Role::Field) => Some(Role::Field),
            Ok(pb::Role::Viewer) => Some(Role::Viewer),
            Ok(pb::Role::Service) => Some(Role::Service),
            Ok(pb::Role::Unspecified) | Err(_) => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| {
                format!("unknown role {text:?}: admin, planner, budget, field, viewer or service")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text_and_the_api() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(Role::from_pb(role.to_pb() as i32), Some(role));
        }
        assert_eq!(Role::from_pb(0), None);
        assert_eq!(Role::from_pb(99), None);
        assert!("root".parse::<Role>().is_err());
    }
}
