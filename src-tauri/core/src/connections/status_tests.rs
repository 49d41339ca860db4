use super::*;
use crate::catalog::Catalog;

const NOW: i64 = 1_800_000_000;

fn google_connection(scopes: &[&str], received_at: i64, expires_at: Option<i64>) -> Connection {
    Connection {
        products: vec!["gmail".into()],
        scopes: scopes.iter().map(|scope| (*scope).to_owned()).collect(),
        ..Connection::for_test(1, "google", received_at, expires_at)
    }
}

const GMAIL: [&str; 4] = [
    "openid",
    "email",
    "https://www.googleapis.com/auth/gmail.readonly",
    "https://www.googleapis.com/auth/gmail.send",
];

#[test]
fn renewal_is_due_within_five_minutes_or_a_fifth_of_a_short_lifetime() {
    let hour = google_connection(&GMAIL, NOW, Some(NOW + 3600));
    assert!(
        !refresh_due(&hour, NOW + 3600 - 301),
        "an hour-long token is not due 5 min + 1 s before expiry"
    );
    assert!(refresh_due(&hour, NOW + 3600 - 300), "it is due 5 minutes before");
    let short = google_connection(&GMAIL, NOW, Some(NOW + 600));
    assert_eq!(
        refresh_margin(&short),
        120,
        "a 10-minute token renews in its last fifth"
    );
    let forever = google_connection(&GMAIL, NOW, None);
    assert!(
        !refresh_due(&forever, i64::MAX / 2),
        "a token without expiry is never refreshed"
    );
}

#[test]
fn expiry_is_computed_at_receipt_and_clamped_so_the_local_clock_does_not_matter() {
    let received = NOW;
    assert_eq!(
        expires_at(received, Some(3600)),
        Some(NOW + 3600),
        "C6: relative to receipt, not to a server time"
    );
    assert_eq!(
        expires_at(received, Some(0)),
        Some(NOW + 30),
        "absurdly short lifetimes are clamped"
    );
    assert_eq!(
        expires_at(received, Some(i64::MAX)),
        Some(NOW + MAX_TOKEN_LIFETIME_SECONDS),
        "and absurdly long ones"
    );
    assert_eq!(expires_at(received, None), None, "B8: no expires_in, no expiry");
    let connection = google_connection(&GMAIL, received, expires_at(received, Some(3600)));
    for skew in [-600, 600] {
        let seen = received + skew.max(0);
        assert!(
            !refresh_due(&connection, seen),
            "C6: a clock 10 minutes off does not make an hour-long token look due (skew {skew})"
        );
    }
}

#[test]
fn a_token_given_a_lifetime_of_zero_or_less_is_renewed_ahead_like_the_shortest_one() {
    for lifetime in [0, -5, i64::MIN] {
        let expires = expires_at(NOW, Some(lifetime));
        assert_eq!(
            expires,
            Some(NOW + MIN_TOKEN_LIFETIME_SECONDS),
            "C13: a lifetime of {lifetime} s is clamped up to the shortest, not read as never expiring"
        );
        let connection = google_connection(&GMAIL, NOW, expires);
        assert!(
            refresh_due(&connection, NOW + MIN_TOKEN_LIFETIME_SECONDS - 1),
            "C13: a token given {lifetime} s is renewed ahead, before it would fail with a 401"
        );
    }
}

#[test]
fn the_most_pressing_state_wins() {
    let catalog = Catalog::builtin().expect("catalog");
    let google = catalog.provider("google");
    let mut connection = google_connection(&GMAIL, NOW, Some(NOW + 3600));
    assert_eq!(evaluate(&connection, google, NOW, false), ConnectionStatus::Connected);
    assert_eq!(
        evaluate(&connection, google, NOW + 3500, false),
        ConnectionStatus::Expiring { expires_at: NOW + 3600 },
        "expiring within the margin"
    );
    connection.scopes.truncate(2);
    let missing = evaluate(&connection, google, NOW, false);
    assert!(
        matches!(&missing, ConnectionStatus::MissingScopes { missing } if missing.len() == 2),
        "B10: granted fewer than the products need: {missing:?}"
    );
    connection.health.last_error = Some("accounts.google.com did not answer in time".into());
    connection.health.next_retry_at = Some(NOW + 30);
    assert!(matches!(
        evaluate(&connection, google, NOW, false),
        ConnectionStatus::Error {
            next_retry_at: Some(_),
            ..
        }
    ));
    assert_eq!(
        evaluate(&connection, google, NOW, true),
        ConnectionStatus::Refreshing,
        "a refresh in flight shows"
    );
    connection.health.reauthorization_reason = Some("revoked".into());
    assert!(matches!(
        evaluate(&connection, google, NOW, true),
        ConnectionStatus::NeedsReauthorization { .. }
    ));
    connection.enabled = false;
    assert_eq!(
        evaluate(&connection, google, NOW, true),
        ConnectionStatus::Disabled,
        "disabled beats everything"
    );
}

#[test]
fn pasted_tokens_are_not_judged_by_scopes() {
    let catalog = Catalog::builtin().expect("catalog");
    let mut connection = google_connection(&[], NOW, None);
    connection.provider = "github".into();
    connection.products = vec!["github".into()];
    connection.auth_kind = AuthKind::ApiKey;
    assert_eq!(
        evaluate(&connection, catalog.provider("github"), NOW, false),
        ConnectionStatus::Connected
    );
}
